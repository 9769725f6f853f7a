import Bus
import Contracts
import Credentials
import Crypto
import Foundation
import Messages
import RegistryLink
import Storage
import X509

/// The trading center drafts the contract of an order it approved (`Review/DraftContract`): the
/// terms come from its own signed decision and the dispatch center's signed check, are sealed to
/// every party (its certificate's key, from the registry) and the draft carries the trading
/// center's signature. Drafting changes nothing here: a draft that is never recorded is forgotten.
struct ContractDesk {
    let store: SQLiteStore
    let registry: RegistryLink
    let identity: ServiceIdentity

    func draft(_ request: DraftContractRequest, context: RequestContext) async throws -> SignedContract {
        let caller = try await registry.caller(context, recordingIn: store)
        guard let signer = identity.current, let authority = registry.authority else {
            throw RPCError(.unavailable, "the trading center has no certificate yet; try again")
        }
        guard let record = try await store.read({ try ReviewStore.decision(request.orderId, $0) }) else {
            throw RPCError(.failedPrecondition, "trade order '\(request.orderId)' was never reviewed: no contract can be drafted")
        }
        guard caller.memberID == record.decision.order.buyer || caller.memberID == record.decision.order.seller else {
            throw RPCError(.permissionDenied, "only the buyer or the seller of '\(request.orderId)' may have its contract drafted")
        }
        guard record.decision.status == .approved else {
            throw RPCError(.failedPrecondition, "trade order '\(request.orderId)' was rejected in review: \(record.decision.reasons.joined(separator: "; "))")
        }
        let check: SecurityCheckResult
        do {
            check = try StatementSignature.verify(
                request.securityCheck, as: SecurityCheckResult.self, kind: SignedStatement.Kind.securityCheck, role: .dispatchCenter, authority: authority
            )
        } catch {
            throw RPCError(.unauthenticated, "security_check: \(error)")
        }
        guard check.orderId == request.orderId else {
            throw RPCError(.invalidArgument, "security_check is for order '\(check.orderId)', not '\(request.orderId)'")
        }
        guard check.status != .rejected, check.acceptedMwh > 0 else {
            throw RPCError(.failedPrecondition, "the dispatch center refused trade order '\(request.orderId)' on the network: no contract can be drafted")
        }
        let order = record.decision.order
        let parties = [
            ContractParty(member: order.buyer, role: .consumer), ContractParty(member: order.seller, role: .generator),
            ContractParty(member: request.gridCompany, role: .gridCompany), ContractParty(member: signer.memberID, role: .tradingCenter),
            ContractParty(member: check.checker, role: .dispatchCenter),
        ]
        var keys: [String: P256.Signing.PublicKey] = [signer.memberID: signer.privateKey.publicKey]
        for party in parties where keys[party.member] == nil {
            keys[party.member] = try await certifiedKey(of: party, authority: authority)
        }
        let terms = ContractTerms.of(
            decision: record.decision, check: check, gridCompany: request.gridCompany,
            reviewPayload: Data(base64Encoded: record.statement.payload) ?? Data(),
            checkPayload: Data(base64Encoded: request.securityCheck.payload) ?? Data(), salt: ContractDraft.salt()
        )
        let draft = try ContractDraft.make(terms: terms, parties: parties, keys: keys, draftedAtMs: Date().unixMilliseconds)
        return try ContractSigning.sign(draft, by: signer)
    }

    /// The party's key from its certificate, if the registry has it approved in that role and not revoked.
    private func certifiedKey(of party: ContractParty, authority: Certificate) async throws -> P256.Signing.PublicKey {
        guard let member = try await registry.member(party.member) else {
            throw RPCError(.notFound, "\(party.role.rawValue) '\(party.member)' is not a member")
        }
        guard member.role == party.role else {
            throw RPCError(.failedPrecondition, "'\(party.member)' is a \(member.role.rawValue), not a \(party.role.rawValue)")
        }
        guard member.status == .approved, !registry.isRevoked(party.member), let pem = member.certificate,
              let certified = try? CertificateCheck.verify(pem: pem, caCertificate: authority, now: Date()),
              certified.identity.memberID == party.member, certified.identity.role == party.role
        else { throw RPCError(.failedPrecondition, "\(party.role.rawValue) '\(party.member)' holds no valid certificate") }
        return certified.key
    }
}
