/// One trade to check: `mw` injected at the seller's bus and withdrawn at the buyer's
/// (external bus numbers of the case). JSON: {"id", "seller_bus", "buyer_bus", "mw"}.
public struct TradeInjection: Codable, Sendable, Equatable {
    public var id: String
    public var sellerBus: Int
    public var buyerBus: Int
    public var mw: Double

    public init(id: String, sellerBus: Int, buyerBus: Int, mw: Double) {
        self.id = id
        self.sellerBus = sellerBus
        self.buyerBus = buyerBus
        self.mw = mw
    }

    enum CodingKeys: String, CodingKey {
        case id, mw
        case sellerBus = "seller_bus"
        case buyerBus = "buyer_bus"
    }
}

/// The CLI's input: {"trades": [...]}.
public struct TradeList: Codable, Sendable, Equatable {
    public var trades: [TradeInjection]
    public init(trades: [TradeInjection]) { self.trades = trades }
}

/// A branch's base-case flow. JSON: {"index", "from", "to", "flow_mw", "limit_mw"} with
/// `limit_mw` null when RATE_A is 0 (unlimited); out-of-service branches carry 0 MW.
public struct BranchFlow: Codable, Sendable, Equatable {
    /// The row in the case's branch matrix, from 0.
    public var index: Int
    public var from: Int
    public var to: Int
    public var flowMW: Double
    public var limitMW: Double?

    public init(index: Int, from: Int, to: Int, flowMW: Double, limitMW: Double?) {
        self.index = index
        self.from = from
        self.to = to
        self.flowMW = flowMW
        self.limitMW = limitMW
    }

    enum CodingKeys: String, CodingKey {
        case index, from, to
        case flowMW = "flow_mw"
        case limitMW = "limit_mw"
    }

    public func encode(to encoder: any Encoder) throws {
        var keys = encoder.container(keyedBy: CodingKeys.self)
        try keys.encode(index, forKey: .index)
        try keys.encode(from, forKey: .from)
        try keys.encode(to, forKey: .to)
        try keys.encode(flowMW, forKey: .flowMW)
        try keys.encode(limitMW, forKey: .limitMW)  // null, not left out, when unlimited
    }
}

public enum TradeStatus: String, Codable, Sendable {
    case accepted, curtailed, rejected
}

/// A limit that stopped a trade: branch row `branch` at `flowMW` after the accepted MW, in the
/// base case (`contingency` nil) or with branch row `contingency` out.
public struct BindingLimit: Codable, Sendable, Equatable {
    public var branch: Int
    public var flowMW: Double
    public var limitMW: Double
    public var contingency: Int?

    public init(branch: Int, flowMW: Double, limitMW: Double, contingency: Int?) {
        self.branch = branch
        self.flowMW = flowMW
        self.limitMW = limitMW
        self.contingency = contingency
    }

    enum CodingKeys: String, CodingKey {
        case branch, contingency
        case flowMW = "flow_mw"
        case limitMW = "limit_mw"
    }

    public func encode(to encoder: any Encoder) throws {
        var keys = encoder.container(keyedBy: CodingKeys.self)
        try keys.encode(branch, forKey: .branch)
        try keys.encode(flowMW, forKey: .flowMW)
        try keys.encode(limitMW, forKey: .limitMW)
        try keys.encode(contingency, forKey: .contingency)  // null for the base case
    }
}

/// What the check decided. JSON: {"id", "status", "accepted_mw", "binding"}; binding is [] when accepted.
public struct TradeOutcome: Codable, Sendable, Equatable {
    public var id: String
    public var status: TradeStatus
    public var acceptedMW: Double
    public var binding: [BindingLimit]

    public init(id: String, status: TradeStatus, acceptedMW: Double, binding: [BindingLimit]) {
        self.id = id
        self.status = status
        self.acceptedMW = acceptedMW
        self.binding = binding
    }

    enum CodingKeys: String, CodingKey {
        case id, status, binding
        case acceptedMW = "accepted_mw"
    }
}

/// The CLI's output: {"base": [...], "trades": [...]}.
public struct SecurityReport: Codable, Sendable, Equatable {
    public var base: [BranchFlow]
    public var trades: [TradeOutcome]

    public init(base: [BranchFlow], trades: [TradeOutcome]) {
        self.base = base
        self.trades = trades
    }
}
