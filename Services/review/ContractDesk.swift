import Bus
import Contracts
import Foundation
import Messages
import RegistryLink
import Storage

/// The trading center's side of `Review/DraftContract`: it gathers what the drafting rules need
/// (the caller, its stored decision of the order, its own signer and the CA, each party's registry
/// record) and returns what `ContractDrafting` decides. Drafting changes nothing here: a draft that
/// is never recorded is forgotten.
struct ContractDesk {
    let store: SQLiteStore
    let registry: RegistryLink
    let identity: ServiceIdentity

    func draft(_ request: DraftContractRequest, context: RequestContext) async throws -> SignedContract {
        let caller = try await registry.caller(context, recordingIn: store)
        let review = try await store.read { try ReviewStore.decision(request.orderId, $0) }
        let now = Date()
        let plan = try ContractDrafting.admit(DraftRequestFacts(
            request: request, caller: caller.memberID, review: review, drafter: identity.current, authority: registry.authority, now: now
        ))
        var members: [MemberID: Member] = [:]
        for id in plan.membersToLookUp {
            members[id] = try await registry.member(id)
        }
        let revoked = Set(plan.membersToLookUp.filter(registry.isRevoked))
        return try ContractDrafting.draft(plan, members: members, revoked: revoked, now: now, salt: ContractDraft.salt())
    }
}
