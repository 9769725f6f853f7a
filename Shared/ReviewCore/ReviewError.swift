import GridProtocol
import Messages

/// What the review service refuses, and the status each refusal carries.
public enum ReviewError: Error, Equatable, StatusConvertible {
    case noDecision(orderID: OrderID)
    /// The trading center has no certificate yet, or the registry's CA is not known yet.
    case notReady

    public var status: Status {
        switch self {
        case let .noDecision(orderID): Status(code: .notFound, message: "no decision for trade order '\(orderID)'")
        case .notReady: Status(code: .unavailable, message: "the trading center cannot sign yet (no certificate or no CA); try again")
        }
    }
}
