import Foundation
import Logging
import Metrics
import Synchronization

/// A service's request/reply endpoint: a ROUTER socket on its own thread, handlers run as tasks.
///
/// Register handlers, then `run()`. Every failure of a request becomes a reply with a status;
/// nothing a client sends stops the server.
public final class RPCServer: Sendable {
    public struct Options: Sendable {
        /// Bigger frames are refused by libzmq (the sending connection is dropped).
        public var maxMessageBytes: Int64 = 4 << 20

        public init(maxMessageBytes: Int64 = 4 << 20) { self.maxMessageBytes = maxMessageBytes }
    }

    typealias Handler = @Sendable (_ frame: Data, _ context: RequestContext) async throws -> any Encodable & Sendable

    /// The endpoint actually bound (with the port filled in for `tcp://host:*`).
    public let endpoint: String
    private let loop: PollLoop<RouterDriver.Command>
    private let requests: AsyncStream<[Data]>
    private let requestSink: AsyncStream<[Data]>.Continuation
    private let handlers = Locked<[String: Handler]>([:])
    private let serving = Locked(true)
    private let logger: Logger
    private let metrics: any MetricsFactory

    public init(
        endpoint: String,
        options: Options = Options(),
        logger: Logger = Logger(label: "gridtrade.rpc"),
        metrics: any MetricsFactory = MetricsSystem.factory
    ) throws {
        let (requests, sink) = AsyncStream<[Data]>.makeStream()
        self.requests = requests
        self.requestSink = sink
        self.logger = logger
        self.metrics = metrics
        let bound = Locked("")
        loop = try PollLoop(name: "rpc-server") {
            let driver = try RouterDriver(endpoint: endpoint, maxMessageBytes: options.maxMessageBytes) { sink.yield($0) }
            bound.withLock { $0 = driver.boundEndpoint }
            return driver
        }
        self.endpoint = bound.withLock { $0 }
        register(Health.check) { [serving] _, _ in
            HealthCheckResponse(status: serving.withLock { $0 } ? HealthCheckResponse.serving : HealthCheckResponse.notServing)
        }
    }

    deinit {
        requestSink.finish()
        loop.stop()
    }

    /// Adds (or replaces) the handler of a method.
    public func register<Request, Response>(
        _ method: Method<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        let erased: Handler = { frame, context in
            let request = try Wire.decode(RequestBody<Request>.self, from: frame).body
            return try await handler(request, context)
        }
        handlers.withLock { $0[method.name] = erased }
    }

    /// The registered method names, sorted.
    public var methods: [String] { handlers.withLock { $0.keys.sorted() } }

    /// Serves until `shutdown()` or cancellation; then finishes the requests in hand, sends their
    /// replies and closes the socket.
    public func run() async {
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                for await frames in requests {
                    group.addTask { await self.serve(frames) }
                }
            }
        } onCancel: {
            requestSink.finish()
        }
        loop.stop()
    }

    /// Stops taking requests; `run()` returns once those in hand are answered.
    public func shutdown() {
        serving.withLock { $0 = false }
        requestSink.finish()
    }

    private func serve(_ frames: [Data]) async {
        // ROUTER prepends the peer's identity; a REQ peer adds an empty delimiter frame too.
        guard frames.count >= 2 else { return }
        let bodyStart = (frames.dropFirst().firstIndex(where: \.isEmpty) ?? 0) + 1
        let envelope = Array(frames[..<bodyStart])
        let payload = frames[bodyStart...]
        guard payload.count == 1, let frame = payload.first else {
            send(envelope, ReplyEnvelope(id: "", status: Status(code: .invalidArgument, message: "a request is exactly one frame"), body: nil))
            return
        }
        let started = ContinuousClock.now
        let reply = await answer(frame)
        send(envelope, reply.envelope)
        let label = reply.known ? reply.method : "unknown"
        Counter(label: "rpc.server.requests", dimensions: [("method", label), ("code", String(reply.envelope.status.code))], factory: metrics).increment()
        Timer(label: "rpc.server.duration", dimensions: [("method", label)], factory: metrics).record(duration: started.duration(to: .now))
    }

    private func answer(_ frame: Data) async -> (envelope: ReplyEnvelope, method: String, known: Bool) {
        let head: RequestHead
        switch RequestHead.parse(frame) {
        case let .success(parsed): head = parsed
        case let .failure(problem):
            return (ReplyEnvelope(id: problem.id, status: Status(code: .invalidArgument, message: problem.message), body: nil), "", false)
        }
        func reply(_ status: Status, _ body: (any Encodable & Sendable)? = nil) -> (ReplyEnvelope, String, Bool) {
            (ReplyEnvelope(id: head.id, status: status, body: body), head.method, true)
        }
        guard let handler = handlers.withLock({ $0[head.method] }) else {
            return (ReplyEnvelope(id: head.id, status: Status(code: .unimplemented, message: "unknown method '\(head.method)'"), body: nil), head.method, false)
        }
        var deadline: ContinuousClock.Instant?
        if let milliseconds = head.deadlineMs {
            guard milliseconds > 0 else { return reply(Status(code: .deadlineExceeded, message: "deadline exceeded before the request was served")) }
            deadline = ContinuousClock.now.advanced(by: .milliseconds(milliseconds))
        }
        var logger = self.logger
        logger[metadataKey: "rpc.method"] = "\(head.method)"
        logger[metadataKey: "rpc.id"] = "\(head.id)"
        let context = RequestContext(id: head.id, method: head.method, metadata: head.metadata ?? [:], deadline: deadline, logger: logger)
        do {
            let body = try await Self.run(handler, frame, context)
            return reply(.ok, body)
        } catch {
            let status = StatusMapping.status(for: error)
            if status.code == StatusCode.internal.rawValue {
                logger.error("handler failed", metadata: ["rpc.error": "\(error)"])
            }
            return reply(status)
        }
    }

    /// Runs a handler, racing it against the request's deadline when it has one.
    private static func run(_ handler: @escaping Handler, _ frame: Data, _ context: RequestContext) async throws -> any Encodable & Sendable {
        guard let deadline = context.deadline else { return try await handler(frame, context) }
        return try await withThrowingTaskGroup(of: (any Encodable & Sendable).self) { group in
            group.addTask { try await handler(frame, context) }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                throw RPCError(.deadlineExceeded, "deadline exceeded")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func send(_ envelope: [Data], _ reply: ReplyEnvelope) {
        let data = (try? Wire.encode(reply))
            ?? (try? Wire.encode(ReplyEnvelope(id: reply.id, status: Status(code: .internal, message: "internal error"), body: nil)))
            ?? Data()
        loop.post(.send(envelope + [data]))
    }
}
