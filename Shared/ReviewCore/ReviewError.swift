import GridProtocol
import Messages

/// What the review service refuses, and the status each refusal carries.
public enum ReviewError: Error, Equatable, StatusConvertible {
    case noDecision(orderID: OrderID)
    /// The trading center has no certificate yet, or the registry's CA is not known yet.
    case notReady
    /// The desk has no grid company to draft with: none is admitted and `review.grid_company` is not set.
    case noGridCompany
    /// A trade order the desk has no stage for.
    case noTrade(orderID: OrderID)

    public var status: Status {
        switch self {
        case let .noDecision(orderID): Status(code: .notFound, message: "no decision for trade order '\(orderID)'")
        case .notReady: Status(code: .unavailable, message: "the trading center cannot sign yet (no certificate or no CA); try again")
        case .noGridCompany: Status(code: .failedPrecondition, message: "no grid company is admitted and review.grid_company is not set: no contract can be drafted")
        case let .noTrade(orderID): Status(code: .notFound, message: "trade order '\(orderID)' has not reached the trading center's desk")
        }
    }
}
