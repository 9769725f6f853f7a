import Messages

/// The clear terms of one contract (SPEC.md section 2, step 6): the direct purchase and sale
/// contract and the transmission entrustment contract of one reviewed, security-checked trade
/// order. Only the parties and the trading center (as regulator) read them: on the ledger they
/// travel sealed to each of them, and the public document carries only their SHA-256.
public struct ContractTerms: Codable, Sendable, Equatable {
    public var contractId: String
    public var orderId: String
    /// Purchase and sale: the consumer buys, the generator(s) sell, at `price` $/MWh.
    public var buyer: String
    public var sellers: [SellerShare]
    public var price: Double
    /// The energy the dispatch center accepted, in total and by month.
    public var energyMwh: Double
    public var monthlySplit: [MonthlyEnergy]
    /// Transmission entrustment: the grid company carries the energy from the sellers' buses to
    /// the buyer's.
    public var gridCompany: String
    public var sellerBus: Int?
    public var buyerBus: Int?
    /// Hex SHA-256 of the trading center's signed review decision payload and of the dispatch
    /// center's signed security-check payload this contract follows.
    public var reviewDecision: String
    public var securityCheck: String
    /// 32 random bytes (hex): without it, anyone could find the terms behind the public hash by
    /// trying the few plausible prices and energies.
    public var salt: String
    /// A coalition contract only (one per round, SPEC.md sections 4 and 6): the round, and each
    /// seller's part of the game: its cost coefficients, its output and its Shapley share (what
    /// settlement pays it), with the review and check of its part. Absent for a bilateral order.
    public var roundId: String?
    public var allocation: [SellerAllocation]?

    public init(
        contractId: String, orderId: String, buyer: String, sellers: [SellerShare], price: Double, energyMwh: Double,
        monthlySplit: [MonthlyEnergy], gridCompany: String, sellerBus: Int?, buyerBus: Int?, reviewDecision: String,
        securityCheck: String, salt: String, roundId: String? = nil, allocation: [SellerAllocation]? = nil
    ) {
        self.roundId = roundId
        self.allocation = allocation
        self.contractId = contractId
        self.orderId = orderId
        self.buyer = buyer
        self.sellers = sellers
        self.price = price
        self.energyMwh = energyMwh
        self.monthlySplit = monthlySplit
        self.gridCompany = gridCompany
        self.sellerBus = sellerBus
        self.buyerBus = buyerBus
        self.reviewDecision = reviewDecision
        self.securityCheck = securityCheck
        self.salt = salt
    }

    enum CodingKeys: String, CodingKey {
        case buyer, sellers, price, salt, allocation
        case roundId = "round_id"
        case contractId = "contract_id"
        case orderId = "order_id"
        case energyMwh = "energy_mwh"
        case monthlySplit = "monthly_split"
        case gridCompany = "grid_company"
        case sellerBus = "seller_bus"
        case buyerBus = "buyer_bus"
        case reviewDecision = "review_decision"
        case securityCheck = "security_check"
    }
}

/// One generator's part of the sale.
public struct SellerShare: Codable, Sendable, Equatable {
    public var member: String
    public var mwh: Double

    public init(member: String, mwh: Double) {
        self.member = member
        self.mwh = mwh
    }
}

/// One seller's part of a coalition contract: what the round's game gave it.
public struct SellerAllocation: Codable, Sendable, Equatable {
    public var member: String
    /// Its trade order in the round (`<round id>-<n>`).
    public var orderId: String
    /// Its offer's cost coefficients (SPEC.md section 4: cost a·P² + b·P + c).
    public var a: Double
    public var b: Double
    /// MWh it delivers: the game's output as the dispatch center accepted it.
    public var outputMwh: Double
    /// Its Shapley share among the serving coalition, $ (what settlement pays it beside the energy).
    public var shapley: Double
    /// Its bus on the network, from the security check.
    public var bus: Int?
    /// Hex SHA-256 of the signed review decision and security-check payloads of its order.
    public var reviewDecision: String
    public var securityCheck: String

    public init(
        member: String, orderId: String, a: Double, b: Double, outputMwh: Double, shapley: Double, bus: Int?, reviewDecision: String, securityCheck: String
    ) {
        self.member = member
        self.orderId = orderId
        self.a = a
        self.b = b
        self.outputMwh = outputMwh
        self.shapley = shapley
        self.bus = bus
        self.reviewDecision = reviewDecision
        self.securityCheck = securityCheck
    }

    enum CodingKeys: String, CodingKey {
        case member, a, b, shapley, bus
        case orderId = "order_id"
        case outputMwh = "output_mwh"
        case reviewDecision = "review_decision"
        case securityCheck = "security_check"
    }
}
