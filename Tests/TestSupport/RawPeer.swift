import Bus
import Foundation
import Testing

/// A raw libzmq socket on its own thread, to send what a well-behaved client never would.
public final class RawPeer: @unchecked Sendable {
    private let socket: ZMQSocket
    private let queue = DispatchQueue(label: "raw-peer")

    public init(_ kind: ZMQSocket.Kind, endpoint: String) throws {
        socket = try ZMQSocket(kind)
        // Generous: a loaded CI machine running every suite at once can take seconds to answer;
        // no test expects silence from this peer, so the limit only bounds a broken server.
        try socket.setReceiveTimeout(milliseconds: 60_000)
        try socket.connect(endpoint)
    }

    /// Sends the frames and waits for one reply (nil after 60 s).
    public func exchange(_ frames: [Data]) async throws -> [Data]? {
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

    public func send(_ frames: [Data]) async throws {
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
public struct WireReply: Decodable {
    public struct StatusBody: Decodable {
        public var code: Int
        public var message: String
    }

    public var id: String
    public var status: StatusBody
    public var body: JSONValue?

    public init(_ frames: [Data]?) throws {
        let frame = try #require(frames?.last, "no reply")
        self = try JSONDecoder().decode(WireReply.self, from: frame)
    }
}

public func json(_ text: String) -> Data { Data(text.utf8) }
