/// An error that a handler throws to answer with a given status, and that a client call throws
/// when the reply's status is not OK.
public struct RPCError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String

    public init(_ code: StatusCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code) (\(code.rawValue)): \(message)" }
}

/// Domain errors adopt this to map themselves to a status; the server maps errors in one place,
/// `StatusMapping.status(for:)`.
public protocol StatusConvertible: Error {
    var status: Status { get }
}

/// The one mapping from an error to the status a caller sees: every server and every in-process
/// boundary (the gateway, tests) goes through it.
public enum StatusMapping {
    /// What the caller sees for an error thrown by a handler. Anything not meant for the caller
    /// becomes INTERNAL with no detail, so internals never leak.
    public static func status(for error: any Error) -> Status {
        switch error {
        case let error as RPCError:
            return Status(code: error.code, message: error.message)
        case let error as any StatusConvertible:
            return error.status
        case let error as DecodingError:
            return Status(code: .invalidArgument, message: describe(error))
        case is CancellationError:
            return Status(code: .cancelled, message: "cancelled")
        default:
            return Status(code: .internal, message: "internal error")
        }
    }

    /// A body that does not decode: name the field, never the Swift type.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ extra: (any CodingKey)? = nil) -> String {
            // The first key is the envelope's own `body`.
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            let parts = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
            return "body" + parts.joined()
        }
        switch error {
        case let .keyNotFound(key, context):
            return "\(path(context, key)) is required"
        case let .valueNotFound(_, context):
            return "\(path(context)) must not be null"
        case let .typeMismatch(type, context):
            return "\(path(context)) has the wrong type (expected \(jsonName(type)))"
        case let .dataCorrupted(context):
            // The decoder's own text can name Swift types; the caller needs the field.
            return "\(path(context)) has an invalid value"
        @unknown default:
            return "body is invalid"
        }
    }

    private static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type, is UInt32.Type, is UInt.Type: "integer"
        case is Double.Type, is Float.Type: "number"
        case is [Any].Type: "array"
        default: "object"
        }
    }
}
