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

/// A raw libzmq socket on its own thread, to send what a well-behaved client never would.
final class RawPeer: @unchecked Sendable {
    private let socket: ZMQSocket
    private let queue = DispatchQueue(label: "raw-peer")

    init(_ kind: ZMQSocket.Kind, endpoint: String) throws {
        socket = try ZMQSocket(kind)
        try socket.setReceiveTimeout(milliseconds: 3000)
        try socket.connect(endpoint)
    }

    /// Sends the frames and waits for one reply (nil after 3 s).
    func exchange(_ frames: [Data]) async throws -> [Data]? {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do {
                    try self.socket.send(frames, dontWait: false)
                    continuation.resume(returning: try self.socket.receive(dontWait: false))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    func send(_ frames: [Data]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                do {
                    try self.socket.send(frames, dontWait: false)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// A decoded reply, as any client in any language sees it.
struct WireReply: Decodable {
    struct StatusBody: Decodable {
        var code: Int
        var message: String
    }

    var id: String
    var status: StatusBody
    var body: JSONValue?

    init(_ frames: [Data]?) throws {
        let frame = try #require(frames?.last, "no reply")
        self = try JSONDecoder().decode(WireReply.self, from: frame)
    }
}

func json(_ text: String) -> Data { Data(text.utf8) }
