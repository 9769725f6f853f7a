import Messages

/// An order as the network sees it: who injects and who withdraws, and its energy per delivery
/// month. From an approved order, or rebuilt from a stored result on replay.
public struct TradeOnNetwork: Sendable, Equatable {
    public var orderId: OrderID
    public var seller: MemberID
    public var buyer: MemberID
    /// The energy the order asked for, MWh (its total, as the order states it).
    public var requestedMwh: Double
    public var months: [MonthlyEnergy]

    public init(orderId: OrderID, seller: MemberID, buyer: MemberID, requestedMwh: Double, months: [MonthlyEnergy]) {
        self.orderId = orderId
        self.seller = seller
        self.buyer = buyer
        self.requestedMwh = requestedMwh
        self.months = months
    }

    public init(order: TradeOrder) {
        self.init(orderId: order.id, seller: order.seller, buyer: order.buyer, requestedMwh: order.mwh, months: order.monthlySplit)
    }
}
