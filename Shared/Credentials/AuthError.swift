import GridProtocol

/// Why a signed request is refused: bad credentials (16) or no right to act (7).
public enum AuthError: Error, Equatable, StatusConvertible, CustomStringConvertible {
    case unauthenticated(String)
    case permissionDenied(String)

    public var status: Status {
        switch self {
        case let .unauthenticated(message): Status(code: .unauthenticated, message: message)
        case let .permissionDenied(message): Status(code: .permissionDenied, message: message)
        }
    }

    public var description: String { status.message }
}
