import Foundation
import Messages

/// One order of a trade as the desk knows it: the trading center's own decision and the dispatch
/// center's verified check, each nil until it exists.
public struct TradePart: Sendable, Equatable {
    public var orderId: OrderID
    public var review: SignedReviewDecision?
    public var check: SignedSecurityCheck?

    public init(orderId: OrderID, review: SignedReviewDecision?, check: SignedSecurityCheck?) {
        self.orderId = orderId
        self.review = review
        self.check = check
    }
}

/// When the desk drafts a trade's contract: a bilateral order as soon as its check is signed; a
/// round once every order of its serving coalition is approved and carried in full, since the
/// game's allocation (and the Shapley shares settlement pays) holds only for the coalition whole.
/// Pure: the desk gathers the parts.
public enum TradeDrafting {
    public enum Step: Equatable, Sendable {
        /// Some part has no decision or no check yet.
        case wait
        /// It will never be drafted, and why.
        case fail(String)
        /// Every part is in and agrees: draft now.
        case draft
    }

    /// MWh slack when comparing a check's accepted energy with an order's.
    static let tolerance = 1e-6

    /// - Parameter coalition: the parts are a round's orders (one contract for all).
    public static func step(_ parts: [TradePart], coalition: Bool) -> Step {
        guard !parts.isEmpty else { return .fail("the trade has no orders") }
        var missing = false
        for part in parts {
            if let review = part.review, review.decision.status != .approved {
                return .fail("trade order \(part.orderId) was rejected in review: \(review.decision.reasons.joined(separator: "; "))")
            }
            guard let check = part.check?.result else {
                missing = true
                continue
            }
            if check.status == .rejected || !(check.acceptedMwh > 0) {
                return .fail("the dispatch center refused trade order \(part.orderId) on the network: \(check.reason ?? "no energy can be carried")")
            }
            if coalition, let ordered = part.review?.decision.order.mwh, check.acceptedMwh < ordered - tolerance {
                return .fail(
                    "the dispatch center curtailed trade order \(part.orderId) to \(check.acceptedMwh) of \(ordered) MWh: the round's allocation no longer holds"
                )
            }
            if part.review == nil { missing = true }
        }
        if coalition, Set(parts.compactMap { $0.check?.result.checker }).count > 1 {
            return .fail("the round's orders were checked by different dispatch centers")
        }
        return missing ? .wait : .draft
    }

    /// The parties of a bilateral contract, in the order drafts list them.
    public static func parties(buyer: MemberID, sellers: [MemberID], gridCompany: MemberID, tradingCenter: MemberID, dispatchCenter: MemberID) -> [ContractParty] {
        [ContractParty(member: buyer.rawValue, role: .consumer)] + sellers.map { ContractParty(member: $0.rawValue, role: .generator) } + [
            ContractParty(member: gridCompany.rawValue, role: .gridCompany), ContractParty(member: tradingCenter.rawValue, role: .tradingCenter),
            ContractParty(member: dispatchCenter.rawValue, role: .dispatchCenter),
        ]
    }
}
