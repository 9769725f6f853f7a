import Bus
import Contracts
import Credentials
import DispatchCore
import Foundation
import Logging
import Messages
import RegistryLink
import ServiceKit
import Storage
import Synchronization

/// The dispatch center signs each contract as a party like any other (docs/protocol.md, "Party
/// consent"): it takes the drafts waiting for its signature from the trading center's desk, opens
/// its own copy, and signs only terms that say what its own stored, signed checks accepted. The
/// signature goes back to the desk as a request signed by the dispatch center.
///
/// There is no durable cursor: the desk's `awaiting` list is the state. A draft this dispatch
/// center signed leaves the list; one it refused stays there, so the states it judged are kept
/// in memory and judged once (after a restart a refusal is logged once more).
struct DraftSigner: FollowerSource {
    let store: SQLiteStore
    let identity: ServiceIdentity
    let review: RPCClient
    let logger: Logger
    /// Draft states already signed or refused.
    let judged = Judged()

    static let page = 200

    final class Judged: Sendable {
        private let states = Mutex<Set<DraftState>>([])
        /// Enough for every draft a desk keeps waiting; past it the set starts again (a refusal is logged again).
        static let limit = 100_000

        func contains(_ state: DraftState) -> Bool { states.withLock { $0.contains(state) } }

        func insert(_ state: DraftState) {
            states.withLock {
                if $0.count >= Self.limit { $0.removeAll() }
                $0.insert(state)
            }
        }
    }

    func next() async throws -> [ContractDraftRecord] {
        guard let signer = identity.current else { return [] }
        // Page past drafts already judged, so a long list of refused ones never hides a new one.
        var after: Int64 = 0
        while true {
            let page = try await review.call(
                ReviewAPI.listDrafts, DraftListQuery(member: signer.member, awaiting: true, afterSeq: after, limit: Self.page)
            ).drafts
            let fresh = page.filter { !judged.contains(DraftState($0)) }
            if !fresh.isEmpty { return fresh }
            guard page.count == Self.page, let last = page.last else { return [] }
            after = last.seq
        }
    }

    func handle(_ draft: ContractDraftRecord) async throws {
        guard let signer = identity.current else { throw DispatchError.notSigning }
        let state = DraftState(draft)
        let document: ContractDocument
        let terms: ContractTerms
        do {
            (document, terms) = try PartyConsent.open(draft.contract, as: signer)
        } catch {
            return refuse(draft, state, reason: "its copy does not open: \(error.message)")
        }
        let orders = Set(PartyConsent.checkedOrders(of: terms) + draft.orderIds)
        let stored = try await store.read { db in try orders.compactMap { try DispatchStore.result($0, db) } }
        let facts = ConsentFacts(checks: stored.compactMap(VerifiedCheck.init))
        switch PartyConsent.decide(terms: terms, document: document, member: signer.member, role: .dispatchCenter, facts: facts) {
        case .refuse(let reason):
            refuse(draft, state, reason: reason)
        case .sign:
            let signature = try PartyConsent.signature(of: draft.contract, by: signer)
            do {
                let record = try await review.call(ReviewAPI.signDraft, SignDraftRequest(contractId: draft.contractId, signature: signature), signer: signer)
                logger.info(
                    "contract signed as the dispatch center",
                    metadata: ["contract.id": "\(draft.contractId)", "draft.status": "\(record.status.rawValue)", "draft.awaiting": "\(record.awaiting.count)"]
                )
            } catch let error as RPCError where !error.isTransient {
                // The desk will not take it (the draft failed, or changed under us): the next listing says what is left.
                logger.warning("the desk did not take the dispatch center's signature", metadata: ["contract.id": "\(draft.contractId)", "error": "\(error)"])
            }
            judged.insert(state)
        }
    }

    private func refuse(_ draft: ContractDraftRecord, _ state: DraftState, reason: String) {
        judged.insert(state)
        logger.warning("contract refused: not what the security check accepted", metadata: ["contract.id": "\(draft.contractId)", "reason": "\(reason)"])
    }
}

extension RPCError {
    /// Worth retrying: the desk was away, slow or not yet upgraded, not against the request.
    var isTransient: Bool { [.unavailable, .deadlineExceeded, .resourceExhausted, .aborted, .internal, .unknown, .unimplemented].contains(code) }
}
