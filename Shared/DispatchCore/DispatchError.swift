import GridProtocol
import Messages

/// Why the dispatch service refuses a request; each case maps to one status code.
/// (Countersigning refuses with `ContractDeskError`, from the `Contracts` rules.)
public enum DispatchError: Error, Equatable, Sendable, StatusConvertible, CustomStringConvertible {
    /// No security check was made for the order (not approved in review, or not yet reached).
    case noCheck(orderId: OrderID)
    /// The dispatch center has no certificate yet (or has not reached the registry's CA): it cannot sign.
    case notSigning

    public var status: Status {
        switch self {
        case .noCheck: Status(code: .notFound, message: description)
        case .notSigning: Status(code: .unavailable, message: description)
        }
    }

    public var description: String {
        switch self {
        case .noCheck(let order): "no security check for trade order '\(order)'"
        case .notSigning: "the dispatch center has no certificate yet; try again"
        }
    }
}
