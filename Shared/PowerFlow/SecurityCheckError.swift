/// Why a trade could not be checked; the check's state is unchanged.
public enum SecurityCheckError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `field` is "seller_bus" or "buyer_bus".
    case unknownBus(trade: String, field: String, bus: Int)
    case isolatedBus(trade: String, field: String, bus: Int)
    case invalidMW(trade: String, mw: Double)

    public var description: String {
        switch self {
        case .unknownBus(let trade, let field, let bus): "trade \"\(trade)\": \(field) \(bus) is not a bus of the case"
        case .isolatedBus(let trade, let field, let bus): "trade \"\(trade)\": \(field) \(bus) is an isolated bus (BUS_TYPE 4)"
        case .invalidMW(let trade, let mw): "trade \"\(trade)\": mw must be a finite number >= 0, not \(mw)"
        }
    }
}
