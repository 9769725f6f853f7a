import GridProtocol
import Messages

/// How a contract is drafted and countersigned before the parties sign it (docs/protocol.md,
/// "Contracts"): the trading center drafts it from its approved review decision and the dispatch
/// center's signed security check, seals the terms to every party and signs; the dispatch
/// center checks its copy against its own result and signs.
extension ReviewAPI {
    public static let draftContract = Method<DraftContractRequest, SignedContract>("Review/DraftContract")
}

extension DispatchAPI {
    public static let signContract = Method<SignContractRequest, SignedContract>("Dispatch/SignContract")
}

public struct DraftContractRequest: Codable, Sendable {
    public var orderId: OrderID
    /// The grid company that carries the energy.
    public var gridCompany: MemberID
    /// The dispatch center's signed security check of the order (`Dispatch/GetResult`'s statement).
    public var securityCheck: SignedStatement

    public init(orderId: OrderID, gridCompany: MemberID, securityCheck: SignedStatement) {
        self.orderId = orderId
        self.gridCompany = gridCompany
        self.securityCheck = securityCheck
    }

    /// For the ledger side's tests, which hold member ids (and a checked order's id) as strings.
    @_disfavoredOverload
    public init(orderId: OrderID, gridCompany: String, securityCheck: SignedStatement) {
        self.init(orderId: orderId, gridCompany: MemberID(gridCompany), securityCheck: securityCheck)
    }

    @_disfavoredOverload
    public init(orderId: String, gridCompany: String, securityCheck: SignedStatement) {
        self.init(orderId: OrderID(orderId), gridCompany: MemberID(gridCompany), securityCheck: securityCheck)
    }

    enum CodingKeys: String, CodingKey {
        case orderId = "order_id"
        case gridCompany = "grid_company"
        case securityCheck = "security_check"
    }
}

public struct SignContractRequest: Codable, Sendable {
    public var contract: SignedContract

    public init(contract: SignedContract) { self.contract = contract }
}
