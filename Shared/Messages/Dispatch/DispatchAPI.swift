import GridProtocol

/// The dispatch service (the dispatch center): it security-checks every approved trade order on
/// its network case, in review order, and signs each result.
public enum DispatchAPI {
    public static let getResult = Method<CheckQuery, SignedSecurityCheck>("Dispatch/GetResult")
    public static let listResults = Method<CheckListQuery, CheckList>("Dispatch/ListResults")
    public static let getNetwork = Method<Empty, NetworkSummary>("Dispatch/GetNetwork")

    public static let tradeChecked = EventTopic<SignedSecurityCheck>("TradeChecked")
}

public struct CheckQuery: Codable, Sendable {
    public var orderId: OrderID

    public init(orderId: OrderID) { self.orderId = orderId }

    enum CodingKeys: String, CodingKey { case orderId = "order_id" }
}

/// Results after a sequence number (0: from the start), at most `limit` (default 500, at most 5000).
public struct CheckListQuery: Codable, Sendable {
    public var afterSeq: Int64?
    public var limit: Int?

    public init(afterSeq: Int64? = nil, limit: Int? = nil) {
        self.afterSeq = afterSeq
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case limit
        case afterSeq = "after_seq"
    }
}

public struct CheckList: Codable, Sendable {
    public var results: [SignedSecurityCheck]

    public init(results: [SignedSecurityCheck]) { self.results = results }
}

/// The case the dispatch center checks against.
public struct NetworkSummary: Codable, Sendable, Equatable {
    public var network: NetworkIdentity
    public var buses: Int
    public var branches: Int
    /// In-service branches with a limit (rateA > 0).
    public var limitedBranches: Int
    public var nMinus1: Bool

    public init(network: NetworkIdentity, buses: Int, branches: Int, limitedBranches: Int, nMinus1: Bool) {
        self.network = network
        self.buses = buses
        self.branches = branches
        self.limitedBranches = limitedBranches
        self.nMinus1 = nMinus1
    }

    enum CodingKeys: String, CodingKey {
        case network, buses, branches
        case limitedBranches = "limited_branches"
        case nMinus1 = "n_minus_1"
    }
}
