/// A typed RPC method, named `Service/Method`. Defined once (in `Messages` or here for the
/// built-ins) and used by both the server that registers it and the clients that call it.
public struct Method<Request: Codable & Sendable, Response: Codable & Sendable>: Sendable {
    public let name: String

    public init(_ name: String) { self.name = name }
}

/// The body of a method that takes or returns nothing: `{}` on the wire.
public struct Empty: Codable, Sendable, Equatable {
    public init() {}
}
