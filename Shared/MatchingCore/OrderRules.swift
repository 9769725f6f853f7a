import Foundation
import Messages

/// The checks of a bilateral trade order, and of its life: open → confirmed or rejected, by
/// the party that did not create it.
public enum OrderRules {
    public static let maxMwh = 10_000_000.0

    public static func validate(_ request: CreateOrderRequest) throws(MatchingError) {
        guard request.seller != request.buyer else { throw .invalid(field: "buyer", reason: "must differ from the seller") }
        if let problem = MarketLimits.priceProblem(request.price) { throw .invalid(field: "price", reason: problem) }
        guard !request.monthlySplit.isEmpty else { throw .invalid(field: "monthly_split", reason: "must name at least one month") }
        guard request.monthlySplit.count <= 120 else { throw .invalid(field: "monthly_split", reason: "must be at most 120 months") }
        var seen = Set<DeliveryMonth>()
        for (index, share) in request.monthlySplit.enumerated() {
            guard share.month.isValid else { throw .invalid(field: "monthly_split[\(index)].month", reason: "must be a month, YYYY-MM") }
            guard seen.insert(share.month).inserted else { throw .invalid(field: "monthly_split[\(index)].month", reason: "repeats \(share.month)") }
            guard share.mwh.isFinite, share.mwh > 0, share.mwh <= maxMwh else {
                throw .invalid(field: "monthly_split[\(index)].mwh", reason: "must be in (0, \(Int(maxMwh))]")
            }
        }
    }

    /// A new open order from a validated request, created by `creator` (its seller or its buyer).
    public static func create(
        _ request: CreateOrderRequest, by creator: MemberID, id: OrderID, nowMs: Int64, signature: PartySignature
    ) throws(MatchingError) -> TradeOrder {
        guard creator == request.seller || creator == request.buyer else {
            throw .forbidden("the creator of an order must be its seller or its buyer")
        }
        try validate(request)
        let months = request.monthlySplit.map(\.month).sorted()
        guard let first = months.first, let last = months.last else {
            throw .invalid(field: "monthly_split", reason: "must name at least one month")
        }
        return TradeOrder(
            id: id, creator: creator, createdAtMs: nowMs, seller: request.seller, buyer: request.buyer,
            mwh: request.monthlySplit.reduce(0) { $0 + $1.mwh }, price: request.price, periodStart: first, periodEnd: last,
            monthlySplit: request.monthlySplit, status: .open, signatures: [signature]
        )
    }

    /// A rejection must say why; checked before the order is looked up.
    public static func checkReason(confirm: Bool, reason: String?) throws(MatchingError) {
        if !confirm, reason?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
            throw .invalid(field: "reason", reason: "is required to reject")
        }
    }

    /// The order once `caller` confirmed (with its signed consent added) or rejected it.
    public static func decided(
        _ order: TradeOrder, by caller: MemberID, confirm: Bool, reason: String?, nowMs: Int64, signature: PartySignature
    ) throws(MatchingError) -> TradeOrder {
        var order = order
        order.status = try decide(order, by: caller, confirm: confirm)
        order.reason = confirm ? nil : reason
        order.decidedAtMs = nowMs
        if confirm { order.signatures = (order.signatures ?? []) + [signature] }
        return order
    }

    /// The new status when `caller` decides an order; only the counterparty of its creator may.
    public static func decide(_ order: TradeOrder, by caller: MemberID, confirm: Bool) throws(MatchingError) -> TradeOrderStatus {
        guard caller == order.seller || caller == order.buyer else { throw .forbidden("only the seller or the buyer may decide order \(order.id)") }
        guard caller != order.creator else { throw .forbidden("the counterparty confirms or rejects; \(caller) created order \(order.id)") }
        guard order.status == .open else { throw .failedPrecondition("order \(order.id) is \(order.status.rawValue)") }
        return confirm ? .confirmed : .rejected
    }

    /// A generator sells no more in a month than its plan makes available (max MW for every hour
    /// of the month), counting all its open and confirmed orders.
    public static func checkCapacity(
        month: DeliveryMonth, planMaxMw: Double?, committedMwh: Double, addingMwh: Double, seller: MemberID
    ) throws(MatchingError) {
        guard let planMaxMw else { throw .failedPrecondition("\(seller) has published no plan for \(month)") }
        let available = planMaxMw * month.hours
        guard committedMwh + addingMwh <= available + 1e-9 else {
            throw .failedPrecondition(
                "\(seller) would sell \(committedMwh + addingMwh) MWh in \(month), more than its plan's \(available) MWh (\(committedMwh) MWh already in open or confirmed orders)"
            )
        }
    }
}
