import Messages

/// What the network makes of one order: each delivery month's check, the overall status, and
/// the network's load with the order's accepted MW on it (the load it was placed on, unchanged,
/// when it could not be placed at all).
public struct Placement: Sendable {
    public let trade: TradeOnNetwork
    public let sellerBus: Int?
    public let buyerBus: Int?
    public let status: SecurityStatus
    public let months: [MonthCheck]
    /// Why it could not be placed on the network at all (a missing or unknown bus); nil otherwise.
    public let reason: String?
    /// Keep this once the result is stored: the next order is placed on top of it.
    public let load: NetworkLoad

    public var acceptedMwh: Double { months.reduce(0) { $0 + $1.acceptedMwh } }

    /// The result the dispatch center signs.
    /// - Parameters:
    ///   - reviewSeq: the review decision's sequence number this check follows.
    ///   - checker: the dispatch center's member id.
    public func result(reviewSeq: Int64, network: DispatchNetwork, checkedAtMs: Int64, checker: MemberID) -> SecurityCheckResult {
        SecurityCheckResult(
            orderId: trade.orderId, reviewSeq: reviewSeq, seller: trade.seller, buyer: trade.buyer, sellerBus: sellerBus, buyerBus: buyerBus,
            status: status, requestedMwh: trade.requestedMwh, acceptedMwh: acceptedMwh, months: months, reason: reason, nMinus1: network.nMinus1,
            network: network.identity, checkedAtMs: checkedAtMs, checker: checker
        )
    }
}
