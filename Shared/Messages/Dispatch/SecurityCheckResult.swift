public enum SecurityStatus: String, Codable, Sendable, CaseIterable {
    /// The network carries all of it.
    case accepted
    /// Cut to what the network carries.
    case curtailed
    /// The network carries none of it, or it could not be placed on the network.
    case rejected
}

/// A branch limit that stopped a trade: the branch's row in the case file (from 0), its flow
/// after the accepted MW, its limit, and the outaged branch when the limit binds under N-1.
public struct BindingLimit: Codable, Sendable, Equatable {
    public var branch: Int
    public var flowMw: Double
    public var limitMw: Double
    public var contingency: Int?

    public init(branch: Int, flowMw: Double, limitMw: Double, contingency: Int?) {
        self.branch = branch
        self.flowMw = flowMw
        self.limitMw = limitMw
        self.contingency = contingency
    }

    enum CodingKeys: String, CodingKey {
        case branch, contingency
        case flowMw = "flow_mw"
        case limitMw = "limit_mw"
    }

    /// `contingency` is written as null for the base case, as `gridtrade security-check` writes it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(branch, forKey: .branch)
        try container.encode(flowMw, forKey: .flowMw)
        try container.encode(limitMw, forKey: .limitMw)
        try container.encode(contingency, forKey: .contingency)
    }
}

/// One delivery month of a trade order on the network: its energy spread evenly over the
/// month's hours is the MW the seller injects and the buyer withdraws.
public struct MonthCheck: Codable, Sendable, Equatable {
    public var month: DeliveryMonth
    public var requestedMw: Double
    public var acceptedMw: Double
    public var acceptedMwh: Double
    public var status: SecurityStatus
    public var binding: [BindingLimit]

    public init(month: DeliveryMonth, requestedMw: Double, acceptedMw: Double, acceptedMwh: Double, status: SecurityStatus, binding: [BindingLimit]) {
        self.month = month
        self.requestedMw = requestedMw
        self.acceptedMw = acceptedMw
        self.acceptedMwh = acceptedMwh
        self.status = status
        self.binding = binding
    }

    enum CodingKeys: String, CodingKey {
        case month, status, binding
        case requestedMw = "requested_mw"
        case acceptedMw = "accepted_mw"
        case acceptedMwh = "accepted_mwh"
    }
}

/// The network case a check ran on: its name and the SHA-256 of the case file.
public struct NetworkIdentity: Codable, Sendable, Equatable {
    public var name: String
    public var sha256: String

    public init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }
}

/// The dispatch center's security check of one approved trade order (SPEC.md section 2, step 5).
public struct SecurityCheckResult: Codable, Sendable, Equatable {
    /// A string, not an `OrderID`, for now: the ledger side's contract tests read it as one
    /// (`order` is the typed view).
    public var orderId: String
    /// The review decision's sequence number this check follows.
    public var reviewSeq: Int64
    public var seller: MemberID
    public var buyer: MemberID
    public var sellerBus: Int?
    public var buyerBus: Int?
    public var status: SecurityStatus
    public var requestedMwh: Double
    public var acceptedMwh: Double
    public var months: [MonthCheck]
    /// Why it could not be placed on the network at all (an unknown bus, say); nil otherwise.
    public var reason: String?
    public var nMinus1: Bool
    public var network: NetworkIdentity
    public var checkedAtMs: Int64
    /// The dispatch center's member id.
    public var checker: MemberID

    /// The checked order.
    public var order: OrderID { OrderID(orderId) }

    public init(
        orderId: OrderID, reviewSeq: Int64, seller: MemberID, buyer: MemberID, sellerBus: Int?, buyerBus: Int?, status: SecurityStatus,
        requestedMwh: Double, acceptedMwh: Double, months: [MonthCheck], reason: String?, nMinus1: Bool, network: NetworkIdentity,
        checkedAtMs: Int64, checker: MemberID
    ) {
        self.orderId = orderId.rawValue
        self.reviewSeq = reviewSeq
        self.seller = seller
        self.buyer = buyer
        self.sellerBus = sellerBus
        self.buyerBus = buyerBus
        self.status = status
        self.requestedMwh = requestedMwh
        self.acceptedMwh = acceptedMwh
        self.months = months
        self.reason = reason
        self.nMinus1 = nMinus1
        self.network = network
        self.checkedAtMs = checkedAtMs
        self.checker = checker
    }

    enum CodingKeys: String, CodingKey {
        case seller, buyer, status, months, reason, network, checker
        case orderId = "order_id"
        case reviewSeq = "review_seq"
        case sellerBus = "seller_bus"
        case buyerBus = "buyer_bus"
        case requestedMwh = "requested_mwh"
        case acceptedMwh = "accepted_mwh"
        case nMinus1 = "n_minus_1"
        case checkedAtMs = "checked_at_ms"
    }
}

/// A result with the dispatch center's signature over its exact bytes (`statement.payload`).
public struct SignedSecurityCheck: Codable, Sendable, Equatable {
    /// Dispatch's own sequence number: checks in the order they were made, which is the order
    /// their MW were stacked on the network.
    public var seq: Int64
    public var result: SecurityCheckResult
    public var statement: SignedStatement

    public init(seq: Int64, result: SecurityCheckResult, statement: SignedStatement) {
        self.seq = seq
        self.result = result
        self.statement = statement
    }
}
