import Credentials
import Foundation
import MatchingCore
import Messages
import X509

/// The review's decision on one order: why it is refused (none: approved), and, when approved,
/// which signed requests it now uses, to record with the decision so no other order can use them.
public struct ReviewVerdict: Sendable, Equatable {
    public var reasons: [String]
    public var claims: [ConsentKey: ConsentUse]

    public var approved: Bool { reasons.isEmpty }
}

/// The trading center's review of a confirmed trade order (SPEC.md section 2, step 4): every
/// rule is checked and every failure is a reason, so a rejected party learns all it must fix.
public enum ReviewRules {
    /// MWh slack for sums of Doubles.
    static let tolerance = 1e-6

    /// `clear` is how a round clears (matching's `RoundRules.clear`); the service may pass one that
    /// remembers recent rounds, since every order of a round re-runs the same game.
    public static func review(
        _ order: TradeOrder, _ facts: ReviewFacts, authority: Certificate, clear: (Round) -> RoundRules.Clearing = RoundRules.clear
    ) -> ReviewVerdict {
        var reasons: [String] = []
        if order.status != .confirmed { reasons.append("the order is \(order.status.rawValue), not confirmed") }
        reasons += memberReasons(order.seller, facts.seller, role: .generator, side: "seller", revoked: facts.revoked)
        reasons += memberReasons(order.buyer, facts.buyer, role: .consumer, side: "buyer", revoked: facts.revoked)
        let consent = ConsentRules.findings(order, earlier: facts.consentUses, authority: authority, clear: clear)
        reasons += consent.reasons
        if !(order.price >= facts.limits.priceFloor && order.price <= facts.limits.priceCap) {
            reasons.append("the price \(order.price) $/MWh is outside the floor \(facts.limits.priceFloor) and cap \(facts.limits.priceCap)")
        }
        reasons += energyReasons(order, facts)
        return ReviewVerdict(reasons: reasons, claims: reasons.isEmpty ? consent.claims : [:])
    }

    public static func reasons(_ order: TradeOrder, _ facts: ReviewFacts, authority: Certificate) -> [String] {
        review(order, facts, authority: authority).reasons
    }

    private static func memberReasons(_ id: MemberID, _ member: Member?, role: Role, side: String, revoked: Set<MemberID>) -> [String] {
        guard let member else { return ["the \(side) \(id) is not a member"] }
        var reasons: [String] = []
        if member.role != role { reasons.append("the \(side) \(id) is a \(member.role.rawValue), not a \(role.rawValue)") }
        if revoked.contains(id) || member.status == .revoked {
            reasons.append("the \(side) \(id) is revoked")
        } else if member.status != .approved {
            reasons.append("the \(side) \(id) is \(member.status.rawValue), not admitted")
        }
        return reasons
    }

    /// The split adds up, each month is still to come, and the seller's plan has room for it
    /// beside the orders already approved (so no energy is sold twice).
    private static func energyReasons(_ order: TradeOrder, _ facts: ReviewFacts) -> [String] {
        var reasons: [String] = []
        let total = order.monthlySplit.reduce(0) { $0 + $1.mwh }
        if order.monthlySplit.isEmpty || abs(total - order.mwh) > tolerance {
            reasons.append("the monthly split sums to \(total) MWh, not the order's \(order.mwh) MWh")
        }
        if Set(order.monthlySplit.map(\.month)).count != order.monthlySplit.count { reasons.append("the monthly split names a month twice") }
        for share in order.monthlySplit {
            guard share.month.isValid else {
                reasons.append("'\(share.month)' is not a delivery month (YYYY-MM)")
                continue
            }
            if !(share.mwh > 0) || !share.mwh.isFinite { reasons.append("\(share.month): \(share.mwh) MWh is not a positive amount") }
            if let start = share.month.startMs, start <= facts.nowMs {
                reasons.append("delivery month \(share.month) is closed: it has begun")
            }
            guard let maxMw = facts.planMaxMw[share.month] else {
                reasons.append("the seller has no published plan for \(share.month)")
                continue
            }
            let room = maxMw * share.month.hours
            let approved = facts.approvedMwh[share.month] ?? 0
            if approved + share.mwh > room + tolerance {
                reasons.append(
                    "\(share.month): \(share.mwh) MWh beside \(approved) MWh already approved exceeds the seller's plan of \(room) MWh"
                )
            }
        }
        return reasons
    }
}
