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

    public init(
        contractId: String, orderId: String, buyer: String, sellers: [SellerShare], price: Double, energyMwh: Double,
        monthlySplit: [MonthlyEnergy], gridCompany: String, sellerBus: Int?, buyerBus: Int?, reviewDecision: String,
        securityCheck: String, salt: String
    ) {
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
        case buyer, sellers, price, salt
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
