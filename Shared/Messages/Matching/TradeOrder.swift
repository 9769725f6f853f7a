import Foundation

/// One month's share of a trade order's energy.
public struct MonthlyEnergy: Codable, Sendable, Equatable {
    public var month: DeliveryMonth
    public var mwh: Double

    public init(month: DeliveryMonth, mwh: Double) {
        self.month = month
        self.mwh = mwh
    }
}

public enum TradeOrderStatus: String, Codable, Sendable, CaseIterable {
    /// Created by one party, waiting for the other.
    case open
    case confirmed
    case rejected
}

/// A trade order (SPEC.md section 2, step 3): a generator sells energy to a consumer at a
/// price, over the months of its split. Bilateral ones are created by either party and confirmed
/// by the other; those of a multilateral round are confirmed by the round.
public struct TradeOrder: Codable, Sendable, Equatable {
    public var id: OrderID
    public var creator: MemberID
    public var createdAtMs: Int64
    public var seller: MemberID
    public var buyer: MemberID
    /// The total, equal to the sum of the split.
    public var mwh: Double
    /// $/MWh: as the creator sent it for a bilateral order; a round's clearing price, to
    /// $0.0001/MWh (`Price.rounded`), for a round's.
    public var price: Decimal
    /// First and last month of delivery.
    public var periodStart: DeliveryMonth
    public var periodEnd: DeliveryMonth
    public var monthlySplit: [MonthlyEnergy]
    public var status: TradeOrderStatus
    public var reason: String?
    /// The round it came from, if any.
    public var roundId: RoundID?
    public var decidedAtMs: Int64?
    /// Each party's signed consent, as evidence for the review: for a bilateral order the
    /// creator's `Matching/CreateOrder` and the other party's `Matching/ConfirmOrder`; for a
    /// round's order the consumer's `Matching/OpenRound` and the generator's `Matching/SubmitOffer`.
    public var signatures: [PartySignature]?

    public init(
        id: OrderID, creator: MemberID, createdAtMs: Int64, seller: MemberID, buyer: MemberID, mwh: Double, price: Decimal,
        periodStart: DeliveryMonth, periodEnd: DeliveryMonth, monthlySplit: [MonthlyEnergy], status: TradeOrderStatus,
        reason: String? = nil, roundId: RoundID? = nil, decidedAtMs: Int64? = nil,
        signatures: [PartySignature]? = nil
    ) {
        self.id = id
        self.creator = creator
        self.createdAtMs = createdAtMs
        self.seller = seller
        self.buyer = buyer
        self.mwh = mwh
        self.price = price
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.monthlySplit = monthlySplit
        self.status = status
        self.reason = reason
        self.roundId = roundId
        self.decidedAtMs = decidedAtMs
        self.signatures = signatures
    }

    enum CodingKeys: String, CodingKey {
        case id, creator, seller, buyer, mwh, price, status, reason, signatures
        case createdAtMs = "created_at_ms"
        case periodStart = "period_start"
        case periodEnd = "period_end"
        case monthlySplit = "monthly_split"
        case roundId = "round_id"
        case decidedAtMs = "decided_at_ms"
    }
}
