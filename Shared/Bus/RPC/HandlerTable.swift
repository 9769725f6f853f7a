import Foundation

/// The methods a server answers, by name. Written at start-up, read for every request.
final class HandlerTable: Sendable {
    enum Handler: Sendable {
        /// Runs as a task on the cooperative pool: the normal case.
        case task(@Sendable (_ frame: Data, _ context: RequestContext) async throws -> any Encodable & Sendable)
        /// Runs on the socket's thread as the request arrives: for answers read from memory.
        case immediate(@Sendable (_ frame: Data, _ context: RequestContext) throws -> any Encodable & Sendable)
    }

    private let handlers = Locked<[String: Handler]>([:])

    func register<Request, Response>(
        _ method: Method<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        let erased = Handler.task { frame, context in
            let request = try Wire.decode(RequestBody<Request>.self, from: frame).body
            return try await handler(request, context)
        }
        handlers.withLock { $0[method.name] = erased }
    }

    func registerImmediate<Request, Response>(
        _ method: Method<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) throws -> Response
    ) {
        let erased = Handler.immediate { frame, context in
            let request = try Wire.decode(RequestBody<Request>.self, from: frame).body
            return try handler(request, context)
        }
        handlers.withLock { $0[method.name] = erased }
    }

    subscript(_ method: String) -> Handler? { handlers.withLock { $0[method] } }

    var names: [String] { handlers.withLock { $0.keys.sorted() } }
}
