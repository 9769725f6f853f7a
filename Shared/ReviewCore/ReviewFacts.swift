import Foundation
import Messages

/// What the review looks at besides the order itself, gathered by the service before it decides.
public struct ReviewFacts: Sendable {
    /// The members as the registry has them now (nil: unknown).
    public var seller: Member?
    public var buyer: Member?
    /// Revoked ids from the registry's revocation feed (a revocation may reach us before the member record).
    public var revoked: Set<MemberID>
    /// The seller's published plan's MW, by month (missing: no plan for that month).
    public var planMaxMw: [DeliveryMonth: Double]
    /// MWh of the seller's orders already approved, by month.
    public var approvedMwh: [DeliveryMonth: Double]
    public var limits: ReviewLimits
    public var nowMs: Int64
    /// What approved orders already used the signed requests this order carries for.
    public var consentUses: [ConsentKey: ConsentUse]

    public init(
        seller: Member?, buyer: Member?, revoked: Set<MemberID>, planMaxMw: [DeliveryMonth: Double], approvedMwh: [DeliveryMonth: Double],
        limits: ReviewLimits, nowMs: Int64, consentUses: [ConsentKey: ConsentUse] = [:]
    ) {
        self.consentUses = consentUses
        self.seller = seller
        self.buyer = buyer
        self.revoked = revoked
        self.planMaxMw = planMaxMw
        self.approvedMwh = approvedMwh
        self.limits = limits
        self.nowMs = nowMs
    }
}

/// The trading center's price floor and cap, $/MWh, inclusive.
public struct ReviewLimits: Sendable, Equatable {
    public var priceFloor: Decimal
    public var priceCap: Decimal

    public static let defaults = ReviewLimits(priceFloor: 0, priceCap: 1_000)

    public init(priceFloor: Decimal, priceCap: Decimal) {
        self.priceFloor = priceFloor
        self.priceCap = priceCap
    }

    /// A floor above the cap, or either not finite, is a configuration error.
    public var problem: String? {
        guard priceFloor.isFinite, priceCap.isFinite, priceFloor >= 0 else { return "the price floor and cap must be finite and the floor >= 0" }
        guard priceFloor <= priceCap else { return "the price floor \(priceFloor) is above the cap \(priceCap)" }
        return nil
    }
}
