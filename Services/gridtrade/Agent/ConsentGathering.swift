import Bus
import Contracts
import Credentials
import Foundation
import Messages
import X509

/// What a member agreed to, fetched and verified for `PartyConsent`: its order (keeping only its
/// own signed requests that verify) or its round from matching, and the dispatch center's checks
/// from dispatch, each verified against the trading center's CA. What is not found is left out,
/// and the decision names what is missing; an unreachable service is an error (tried again later).
struct ConsentGathering: Sendable {
    let matching: RPCClient
    let dispatch: RPCClient

    func facts(for terms: ContractTerms, draft: ContractDraftRecord, member: MemberID, role: Role, authority: Certificate) async throws -> ConsentFacts {
        var order: TradeOrder?
        var round: Round?
        var orders = PartyConsent.checkedOrders(of: terms) + draft.orderIds
        if role == .consumer || role == .generator {
            if let roundId = terms.roundId {
                round = try await found { try await matching.call(MatchingAPI.getRound, RoundQuery(roundId: RoundID(roundId))) }
                // The consumer also checks that no serving generator was left out.
                orders += round?.outcome?.orderIds ?? []
            } else {
                if var fetched = try await found({ try await matching.call(MatchingAPI.getOrder, OrderQuery(orderId: OrderID(terms.orderId))) }) {
                    fetched.signatures = fetched.signatures?.filter { $0.member != member || Self.verifies($0, as: member, authority: authority) }
                    order = fetched
                }
            }
        }
        var seen = Set<OrderID>()
        var checks: [VerifiedCheck] = []
        for id in orders where seen.insert(id).inserted {
            if let check = try await check(of: id, authority: authority) { checks.append(check) }
        }
        return ConsentFacts(order: order, round: round, checks: checks)
    }

    /// The dispatch center's check of `order`, if it made one and it is the dispatch center's word:
    /// its certificate issued by the CA to a dispatch center, valid when it checked, and the one named in the result.
    func check(of order: OrderID, authority: Certificate) async throws -> VerifiedCheck? {
        guard let record = try await found({ try await dispatch.call(DispatchAPI.getResult, CheckQuery(orderId: order)) }),
              let payload = Data(base64Encoded: record.statement.payload),
              let result = try? StatementSignature.verify(
                  record.statement, as: SecurityCheckResult.self, kind: .securityCheck, role: .dispatchCenter, authority: authority,
                  now: Date(timeIntervalSince1970: Double(record.result.checkedAtMs) / 1000)
              ),
              result.checker == record.statement.signer, result.order == order
        else { return nil }
        return VerifiedCheck(result: result, payload: payload)
    }

    /// A kept request of this member's that verifies against the CA as its own.
    static func verifies(_ evidence: PartySignature, as member: MemberID, authority: Certificate) -> Bool {
        (try? PartySignatureCheck.verify(evidence, authority: authority).memberID) == member
    }

    /// The reply, or nil when the service says there is no such thing.
    private func found<T>(_ call: () async throws -> T) async throws -> T? {
        do {
            return try await call()
        } catch let error as RPCError where error.code == .notFound {
            return nil
        }
    }
}
