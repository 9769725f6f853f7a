import GridProtocol
import Messages

/// Why the registry refuses a request; each case maps to one status code.
public enum RegistryError: Error, Equatable, StatusConvertible {
    /// A field is missing, malformed or out of range (3). `field` is its path in the body.
    case invalid(field: String, reason: String)
    /// Another member already has this value (6).
    case duplicate(field: String, value: String)
    case unknownMember(MemberID)
    /// The member is not in a state that allows this (9).
    case wrongStatus(member: MemberID, status: MemberStatusName, action: String)
    /// The caller may not do this (7).
    case forbidden(String)

    public typealias MemberStatusName = String

    public var status: Status {
        switch self {
        case let .invalid(field, reason): Status(code: .invalidArgument, message: "body.\(field) \(reason)")
        case let .duplicate(field, value):
            Status(code: .alreadyExists, message: "\(field.hasPrefix("gt-") ? field : "body." + field) '\(value)' is already registered")
        case let .unknownMember(id): Status(code: .notFound, message: "no member '\(id)'")
        case let .wrongStatus(member, status, action): Status(code: .failedPrecondition, message: "member '\(member)' is \(status): cannot \(action)")
        case let .forbidden(message): Status(code: .permissionDenied, message: message)
        }
    }
}
