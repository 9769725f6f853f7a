import Bus
import Foundation
import Testing

/// Test methods, served by the in-process servers of these tests.
enum TestAPI {
    struct EchoRequest: Codable, Sendable, Equatable {
        var text: String
        var delayMs: Int?

        enum CodingKeys: String, CodingKey {
            case text
            case delayMs = "delay_ms"
        }
    }

    struct EchoResponse: Codable, Sendable, Equatable {
        var text: String
    }

    static let echo = Method<EchoRequest, EchoResponse>("Test/Echo")
    static let fail = Method<Empty, Empty>("Test/Fail")
    static let notFound = Method<Empty, Empty>("Test/NotFound")

    struct SecretFailure: Error {
        let path = "/var/lib/secret/keys.db"
    }

    static func register(on server: RPCServer) {
        server.register(echo) { request, _ in
            if let delay = request.delayMs { try await Task.sleep(for: .milliseconds(delay)) }
            return EchoResponse(text: request.text)
        }
        server.register(fail) { _, _ in throw SecretFailure() }
        server.register(notFound) { _, _ in throw RPCError(.notFound, "no such member") }
    }
}

/// A server on a fresh loopback port, running until the body returns.
func withServer<T: Sendable>(
    options: RPCServer.Options = .init(),
    _ body: @Sendable (RPCServer) async throws -> T
) async throws -> T {
    let server = try RPCServer(endpoint: "tcp://127.0.0.1:*", options: options)
    TestAPI.register(on: server)
    let running = Task { await server.run() }
    defer {
        server.shutdown()
    }
    let result = try await body(server)
    server.shutdown()
    await running.value
    return result
}
