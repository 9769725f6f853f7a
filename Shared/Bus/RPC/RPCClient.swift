import Foundation
import Synchronization

/// A connection to one service's RPC endpoint: a DEALER socket on its own thread, any number of
/// calls in flight, each matched to its reply by id. A call always ends: with the reply, or with
/// UNAVAILABLE (no server took it) or DEADLINE_EXCEEDED (no reply in time).
public final class RPCClient: Sendable {
    public static let defaultDeadline: Duration = .seconds(10)
    /// How long a request may wait for a connected server before the call fails UNAVAILABLE.
    public static let defaultConnectTimeout: Duration = .seconds(2)

    public let endpoint: String
    private let loop: PollLoop<DealerDriver.Command>
    private let pending = PendingCalls()
    private let connectTimeout: Duration
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    public init(endpoint: String, connectTimeout: Duration = RPCClient.defaultConnectTimeout, maxMessageBytes: Int64 = 4 << 20) throws {
        self.endpoint = endpoint
        self.connectTimeout = connectTimeout
        prefix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let pending = self.pending
        loop = try PollLoop(name: "rpc-client") {
            try DealerDriver(endpoint: endpoint, maxMessageBytes: maxMessageBytes, pending: pending)
        }
    }

    deinit { close() }

    /// Fails every call in flight with UNAVAILABLE and closes the socket.
    public func close() {
        pending.closeAll()
        loop.stop()
    }

    /// Calls `method` and waits for its reply; a reply whose status is not OK throws `RPCError`.
    public func call<Request, Response>(
        _ method: Method<Request, Response>,
        _ request: Request,
        deadline: Duration = RPCClient.defaultDeadline,
        metadata: [String: String]? = nil,
        signer: (any RequestSigner)? = nil
    ) async throws -> Response {
        // The body is encoded once and spliced in, so a signature covers the very bytes sent.
        try await call(method, encodedBody: try Wire.encode(request), deadline: deadline, metadata: metadata, signer: signer)
    }

    /// Encodes a request body as `call` would: for a sender that sends the same body to several
    /// servers and encodes it once.
    public static func encode<Request: Encodable>(_ request: Request) throws -> Data { try Wire.encode(request) }

    /// Calls `method` with a body already encoded (by `encode`).
    public func call<Request, Response>(
        _ method: Method<Request, Response>,
        encodedBody body: Data,
        deadline: Duration = RPCClient.defaultDeadline,
        metadata: [String: String]? = nil,
        signer: (any RequestSigner)? = nil
    ) async throws -> Response {
        let id = "\(prefix)-\(counter.wrappingAdd(1, ordering: .relaxed).newValue)"
        let capped = min(deadline, .milliseconds(RequestHead.maxDeadlineMs))
        let milliseconds = max(1, Int(capped.wholeMilliseconds))
        var fields = metadata ?? [:]
        if let signer { fields.merge(try signer.metadata(method: method.name, body: body)) { $1 } }
        let frame = try Wire.requestFrame(RequestEnvelope(id: id, method: method.name, deadlineMs: milliseconds, metadata: fields.isEmpty ? nil : fields), body: body)
        let reply = try await send(id: id, frame: frame, deadline: capped)
        guard reply.head.status.code == StatusCode.ok.rawValue else {
            throw RPCError(StatusCode(rawValue: reply.head.status.code) ?? .unknown, reply.head.status.message)
        }
        do {
            return try Wire.decode(ReplyBody<Response>.self, from: reply.frame).body
        } catch {
            throw RPCError(.internal, "reply body does not decode as \(Response.self): \(error)")
        }
    }

    private func send(id: String, frame: Data, deadline: Duration) async throws -> PendingCalls.Reply {
        let now = ContinuousClock.now
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                pending.add(id, deadline: now + deadline, connectBy: now + connectTimeout, continuation)
                if Task.isCancelled {
                    pending.fail(id, CancellationError())
                } else {
                    loop.post(.send(id: id, frame: frame))
                }
            }
        } onCancel: {
            pending.fail(id, CancellationError())
        }
    }
}
