import GridProtocol
import Messages

/// What a party asks of a contract desk: the trading center drafts, the dispatch center countersigns.
public enum ContractAct: String, Sendable, Equatable {
    case drafted, countersigned
}

/// Why the trading center will not draft a contract, or the dispatch center not countersign one;
/// each case maps to one status code.
public enum ContractDeskError: Error, Equatable, Sendable, StatusConvertible, CustomStringConvertible {
    /// The desk has no certificate yet (or has not reached the registry's CA): it cannot sign.
    case notSigning(Role)
    /// Only the order's buyer or seller may ask.
    case notBuyerOrSeller(orderId: OrderID, act: ContractAct)
    /// Drafting: the trading center never reviewed the order.
    case neverReviewed(orderId: OrderID)
    /// Drafting: the order was rejected in review, for these reasons.
    case rejectedInReview(orderId: OrderID, reasons: [String])
    /// Drafting: the security check given is not the dispatch center's word.
    case checkRefused(reason: String)
    /// Drafting: the security check given is another order's.
    case checkOfOtherOrder(checked: OrderID, requested: OrderID)
    /// The dispatch center carries none of the order.
    case refusedOnNetwork(orderId: OrderID, act: ContractAct)
    /// Drafting: a party the registry does not know.
    case notAMember(ContractParty)
    /// Drafting: a party the registry knows in another role.
    case wrongRole(ContractParty, actual: Role)
    /// Drafting: a party not approved, revoked, or whose certificate the CA did not issue for it in that role.
    case noValidCertificate(ContractParty)
    /// Countersigning: the contract names another dispatch center.
    case notTheDispatchCenter
    /// Countersigning: this dispatch center never checked the contract's order.
    case neverChecked(orderId: OrderID)
    /// Countersigning: the terms are not what the security check accepted.
    case termsDisagree(orderId: OrderID)
    /// The contract itself is refused (undecodable, a copy this desk cannot open, ...).
    case contract(ContractProblem)
    /// Sealing or signing failed: not the caller's doing.
    case cannotSign(String)
    /// The pipeline: no draft by that id.
    case noDraft(contractId: String)
    /// The pipeline: a signature returned by someone who is not a party of the draft.
    case notAParty(member: MemberID, contractId: String)
    /// The pipeline: a party returns only its own signature.
    case signatureOfAnother(caller: MemberID, signer: String)
    /// The pipeline: the returned signature or its certificate does not verify.
    case signatureRefused(String)
    /// The pipeline: the party's certificate gives it another role than the contract names it in.
    case signsInWrongRole(member: MemberID, named: Role, actual: Role)
    /// The pipeline: a party that had not signed while the draft still took signatures.
    case draftClosed(contractId: String, status: String)

    public var status: Status {
        switch self {
        case .notSigning: Status(code: .unavailable, message: description)
        case .notBuyerOrSeller: Status(code: .permissionDenied, message: description)
        case .checkRefused: Status(code: .unauthenticated, message: description)
        case .checkOfOtherOrder: Status(code: .invalidArgument, message: description)
        case .notAMember: Status(code: .notFound, message: description)
        case .neverReviewed, .rejectedInReview, .refusedOnNetwork, .wrongRole, .noValidCertificate, .notTheDispatchCenter, .neverChecked,
             .termsDisagree:
            Status(code: .failedPrecondition, message: description)
        case .noDraft: Status(code: .notFound, message: description)
        case .notAParty, .signatureOfAnother, .signsInWrongRole: Status(code: .permissionDenied, message: description)
        case .signatureRefused: Status(code: .unauthenticated, message: description)
        case .draftClosed: Status(code: .failedPrecondition, message: description)
        case .contract(let problem): problem.status
        // The detail is for the log, not the caller.
        case .cannotSign: Status(code: .internal, message: "the contract could not be sealed or signed")
        }
    }

    public var description: String {
        switch self {
        case .notSigning(let role): "the \(role == .dispatchCenter ? "dispatch center" : "trading center") has no certificate yet; try again"
        case let .notBuyerOrSeller(order, act): "only the buyer or the seller of '\(order)' may have its contract \(act.rawValue)"
        case .neverReviewed(let order): "trade order '\(order)' was never reviewed: no contract can be drafted"
        case let .rejectedInReview(order, reasons): "trade order '\(order)' was rejected in review: \(reasons.joined(separator: "; "))"
        case .checkRefused(let reason): "security_check: \(reason)"
        case let .checkOfOtherOrder(checked, requested): "security_check is for order '\(checked)', not '\(requested)'"
        case .refusedOnNetwork(let order, .drafted): "the dispatch center refused trade order '\(order)' on the network: no contract can be drafted"
        case .refusedOnNetwork(let order, .countersigned): "trade order '\(order)' was refused on the network"
        case .notAMember(let party): "\(party.role.rawValue) '\(party.member)' is not a member"
        case let .wrongRole(party, actual): "'\(party.member)' is a \(actual.rawValue), not a \(party.role.rawValue)"
        case .noValidCertificate(let party): "\(party.role.rawValue) '\(party.member)' holds no valid certificate"
        case .notTheDispatchCenter: "this dispatch center is not the contract's dispatch center"
        case .neverChecked(let order): "trade order '\(order)' was never security-checked here"
        case .termsDisagree(let order): "the contract's terms are not what the security check of '\(order)' accepted"
        case .contract(let problem): problem.message
        case .cannotSign(let reason): "the contract could not be sealed or signed: \(reason)"
        case .noDraft(let id): "no draft '\(id)'"
        case let .notAParty(member, id): "\(member) is not a party to \(id)"
        case let .signatureOfAnother(caller, signer): "a party returns its own signature: \(caller) sent \(signer)'s"
        case .signatureRefused(let reason): "the signature is refused: \(reason)"
        case let .signsInWrongRole(member, named, actual): "\(member) is named as a \(named.rawValue) but its certificate is a \(actual.rawValue)'s"
        case let .draftClosed(id, status): "\(id) is \(status): it takes no more signatures"
        }
    }
}
