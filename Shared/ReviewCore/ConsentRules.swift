import Credentials
import GridProtocol
import Foundation
import Messages
import X509

/// Both parties signed this very order: each kept signed request verifies against the CA and
/// binds to the order's terms (a bilateral order's creation carries its terms, the confirmation
/// its id; a round's opening carries the month, an offer the round).
enum ConsentRules {
    static func reasons(_ order: TradeOrder, authority: Certificate) -> [String] {
        let evidence = order.signatures ?? []
        let expected: [(party: MemberID, side: String, methods: Set<String>)] = order.roundId == nil
            ? [(order.seller, "seller", [createOrder, confirmOrder]), (order.buyer, "buyer", [createOrder, confirmOrder])]
            : [(order.seller, "seller", [submitOffer]), (order.buyer, "buyer", [openRound])]
        var reasons: [String] = []
        for (party, side, methods) in expected {
            let candidates = evidence.filter { $0.member == party && methods.contains($0.method) }
            guard !candidates.isEmpty else {
                reasons.append("the \(side) \(party) has not signed the order")
                continue
            }
            let problems = candidates.map { problem($0, order, authority) }
            if !problems.contains(where: { $0 == nil }) {
                reasons.append("the \(side)'s signature is refused: \(problems.compactMap { $0 }.joined(separator: "; "))")
            }
        }
        if order.roundId == nil {
            let methods = Set(evidence.filter { [order.seller, order.buyer].contains($0.member) }.map(\.method))
            if !methods.contains(createOrder) || !methods.contains(confirmOrder) {
                reasons.append("a bilateral order needs one party's creation and the other's confirmation")
            }
        }
        return reasons
    }

    static let createOrder = "Matching/CreateOrder"
    static let confirmOrder = "Matching/ConfirmOrder"
    static let openRound = "Matching/OpenRound"
    static let submitOffer = "Matching/SubmitOffer"

    /// Why this evidence does not show the party agreeing to this order; nil if it does.
    private static func problem(_ evidence: PartySignature, _ order: TradeOrder, _ authority: Certificate) -> String? {
        do {
            _ = try PartySignatureCheck.verify(evidence, authority: authority)
        } catch {
            return error.description
        }
        let body = evidence.bodyBytes
        let decoder = JSONDecoder()
        switch evidence.method {
        case createOrder:
            guard let request = try? decoder.decode(CreateOrderRequest.self, from: body) else { return "its creation request is unreadable" }
            guard request.seller == order.seller, request.buyer == order.buyer, request.price == order.price,
                  request.monthlySplit == order.monthlySplit
            else { return "it created an order with other terms" }
        case confirmOrder:
            guard let request = try? decoder.decode(OrderDecision.self, from: body), request.orderId == order.id else {
                return "it confirmed another order"
            }
        case openRound:
            guard let request = try? decoder.decode(OpenRoundRequest.self, from: body), request.month == order.periodStart,
                  order.periodStart == order.periodEnd
            else { return "it opened a round for another month" }
        case submitOffer:
            guard let request = try? decoder.decode(SubmitOfferRequest.self, from: body), request.roundId == order.roundId else {
                return "it offered into another round"
            }
        default:
            return "\(evidence.method) is not a consent to an order"
        }
        return nil
    }
}
