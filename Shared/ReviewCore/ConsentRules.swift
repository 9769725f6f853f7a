import Credentials
import Foundation
import GridProtocol
import MatchingCore
import Messages
import X509

/// Both parties signed this very order, and their signatures back no other: each kept signed
/// request verifies against the CA and binds to this order alone. A bilateral order's id is
/// named by its creation (`ConsentIDs.order`), which carries its terms, and its confirmation
/// names the id. A round's order is checked by `RoundConsent`, which re-runs the game.
/// A signature that an earlier approved order relied on for something else is refused.
enum ConsentRules {
    static func findings(
        _ order: TradeOrder, earlier: [ConsentKey: ConsentUse], authority: Certificate, clear: (Round) -> RoundRules.Clearing
    ) -> ConsentFindings {
        if order.roundId != nil { return RoundConsent.findings(order, earlier: earlier, authority: authority, clear: clear) }
        let evidence = order.signatures ?? []
        var findings = ConsentFindings()
        var accepted: [PartySignature] = []
        for (party, side) in [(order.seller, "seller"), (order.buyer, "buyer")] {
            let candidates = evidence.filter { $0.member == party && [createOrder, confirmOrder].contains($0.method) }
            guard !candidates.isEmpty else {
                findings.reasons.append("the \(side) \(party) has not signed the order")
                continue
            }
            let problems = candidates.map { problem($0, order, authority) }
            let good = zip(candidates, problems).filter { $0.1 == nil }.map(\.0)
            guard !good.isEmpty else {
                findings.reasons.append("the \(side)'s signature is refused: \(problems.compactMap { $0 }.joined(separator: "; "))")
                continue
            }
            for signed in good {
                accepted.append(signed)
                findings.claim(signed, for: .order(order.id), side: side, earlier: earlier)
            }
        }
        let creators = Set(accepted.filter { $0.method == createOrder }.map(\.member))
        let confirmers = Set(accepted.filter { $0.method == confirmOrder }.map(\.member))
        if findings.reasons.isEmpty, !creators.contains(where: { creator in confirmers.contains { $0 != creator } }) {
            findings.reasons.append("a bilateral order needs one party's creation and the other's confirmation")
        }
        return findings
    }

    static let createOrder = "Matching/CreateOrder"
    static let confirmOrder = "Matching/ConfirmOrder"
    static let openRound = "Matching/OpenRound"
    static let submitOffer = "Matching/SubmitOffer"

    /// Why this evidence does not show the party agreeing to this bilateral order; nil if it does.
    private static func problem(_ evidence: PartySignature, _ order: TradeOrder, _ authority: Certificate) -> String? {
        do {
            _ = try PartySignatureCheck.verify(evidence, authority: authority)
        } catch {
            return error.description
        }
        let decoder = JSONDecoder()
        switch evidence.method {
        case createOrder:
            guard let request = try? decoder.decode(CreateOrderRequest.self, from: evidence.bodyBytes) else { return "its creation request is unreadable" }
            guard request.seller == order.seller, request.buyer == order.buyer, request.price == order.price,
                  request.monthlySplit == order.monthlySplit
            else { return "it created an order with other terms" }
            let named = ConsentIDs.order(createdBy: evidence.member, nonce: evidence.nonce)
            guard named == order.id else { return "its creation made order \(named), not \(order.id)" }
        case confirmOrder:
            guard let request = try? decoder.decode(OrderDecision.self, from: evidence.bodyBytes), request.orderId == order.id else {
                return "it confirmed another order"
            }
        default:
            return "\(evidence.method) is not a consent to a bilateral order"
        }
        return nil
    }
}
