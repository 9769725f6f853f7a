import Foundation

/// The methods a server answers, by name. Written at start-up, read for every request.
final class HandlerTable: Sendable {
    enum Handler: Sendable {
        /// Runs as a task on the cooperative pool: the normal case.
        case task(@Sendable (_ context: RequestContext) async throws -> any Encodable & Sendable)
        /// Runs on the socket's thread as the request arrives: for answers read from memory.
        case immediate(@Sendable (_ context: RequestContext) throws -> any Encodable & Sendable)
    }

    private let handlers = Locked<[String: Handler]>([:])

    func register<Request, Response>(
        _ method: Method<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        let erased = Handler.task { context in
            try await handler(try Self.body(context), context)
        }
        handlers.withLock { $0[method.name] = erased }
    }

    func registerImmediate<Request, Response>(
        _ method: Method<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) throws -> Response
    ) {
        let erased = Handler.immediate { context in
            try handler(try Self.body(context), context)
        }
        handlers.withLock { $0[method.name] = erased }
    }

    /// The request decoded from the very bytes a signature covers (`context.bodyBytes`), never
    /// from another spelling of the key (`"bod\u0079"`) that a JSON decoder would also accept.
    private static func body<Request: Decodable>(_ context: RequestContext) throws -> Request {
        try Wire.decode(Request.self, from: context.bodyBytes)
    }

    subscript(_ method: String) -> Handler? { handlers.withLock { $0[method] } }

    var names: [String] { handlers.withLock { $0.keys.sorted() } }
}
