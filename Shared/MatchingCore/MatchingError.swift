import GridProtocol

/// Why matching refuses a request; each case maps to one status code.
public enum MatchingError: Error, Equatable, StatusConvertible {
    case invalid(field: String, reason: String)
    case notFound(String)
    /// The order or round is not in a state that allows this, or the plan has no room left.
    case failedPrecondition(String)
    case forbidden(String)

    public var status: Status {
        switch self {
        case let .invalid(field, reason): Status(code: .invalidArgument, message: "body.\(field) \(reason)")
        case let .notFound(what): Status(code: .notFound, message: what)
        case let .failedPrecondition(message): Status(code: .failedPrecondition, message: message)
        case let .forbidden(message): Status(code: .permissionDenied, message: message)
        }
    }
}
