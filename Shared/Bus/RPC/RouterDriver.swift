import Foundation
import Logging
import Metrics

/// The heart of a server, on the ROUTER socket's thread. It answers what needs no handler
/// (malformed frames, unknown methods, expired deadlines) and immediate handlers at once,
/// starts a task per other request,
/// sends each task's reply, and answers DEADLINE_EXCEEDED itself when a deadline passes first,
/// so no timer task runs beside each request.
final class RouterDriver: PollDriver {
    enum Command: Sendable {
        case reply(token: UInt64, code: Int, frame: Data)
        /// Stop taking requests; report drained once those in hand are answered.
        case shutdown
    }

    /// A request being handled.
    private struct InFlight {
        let envelope: [Data]
        let id: String
        let method: String
        let deadline: ContinuousClock.Instant?
        let started: ContinuousClock.Instant
        let task: Task<Void, Never>
    }

    let sockets: [ZMQSocket]
    let boundEndpoint: String
    private let handlers: HandlerTable
    private let outbox: Outbox<Command>
    private let metrics: any MetricsFactory
    private let logger: Logger
    private let onDrained: @Sendable () -> Void
    private var inFlight: [UInt64: InFlight] = [:]
    private var lastToken: UInt64 = 0
    /// Set by `RPCServer.ready()` and `shutdown()` themselves, so no request read after either call is misjudged.
    private let state: Locked<ServerState>

    init(
        endpoint: String,
        maxMessageBytes: Int64,
        handlers: HandlerTable,
        outbox: Outbox<Command>,
        metrics: any MetricsFactory,
        logger: Logger,
        state: Locked<ServerState>,
        onDrained: @escaping @Sendable () -> Void
    ) throws {
        let socket = try ZMQSocket(.router)
        // libzmq drops a connection that sends a bigger frame, before it reaches us.
        try socket.setMaxMessageSize(maxMessageBytes)
        try socket.setHighWaterMarks(100_000)
        // The last replies of a graceful shutdown still go out after the socket closes.
        try socket.setLinger(milliseconds: 1000)
        try socket.bind(endpoint)
        sockets = [socket]
        boundEndpoint = socket.lastEndpoint
        self.handlers = handlers
        self.outbox = outbox
        self.metrics = metrics
        self.logger = logger
        self.state = state
        self.onDrained = onDrained
    }

    func readable(_ index: Int) {
        // Bounded batch, so replies queued meanwhile are not starved.
        for _ in 0..<1024 {
            guard let frames = try? sockets[0].receive() else { return }
            accept(frames)
        }
    }

    func handle(_ commands: [Command]) {
        for command in commands {
            switch command {
            case let .reply(token, code, frame):
                // Gone when its deadline already answered it.
                guard let request = inFlight.removeValue(forKey: token) else { continue }
                send(request.envelope, frame)
                count(request.method, code, since: request.started)
            case .shutdown:
                // `state` is already `stopping`; this command only makes the loop check for drain.
                break
            }
        }
        reportIfDrained()
    }

    func nextTick() -> ContinuousClock.Instant? {
        inFlight.values.lazy.compactMap(\.deadline).min()
    }

    func tick(now: ContinuousClock.Instant) {
        for (token, request) in inFlight {
            guard let deadline = request.deadline, deadline <= now else { continue }
            inFlight[token] = nil
            request.task.cancel()
            reply(request.envelope, id: request.id, Status(code: .deadlineExceeded, message: "deadline exceeded"))
            count(request.method, StatusCode.deadlineExceeded.rawValue, since: request.started)
        }
        reportIfDrained()
    }

    private func accept(_ frames: [Data]) {
        // ROUTER prepends the peer's identity; a REQ peer adds an empty delimiter frame too.
        // An empty last frame is a (bad) body, not a delimiter.
        guard frames.count >= 2 else { return }
        let bodyStart = (frames.dropFirst().dropLast().firstIndex(where: \.isEmpty) ?? 0) + 1
        let envelope = Array(frames[..<bodyStart])
        let payload = frames[bodyStart...]
        let started = ContinuousClock.now
        guard payload.count == 1, let frame = payload.first else {
            return refuse(envelope, id: "", "unknown", Status(code: .invalidArgument, message: "a request is exactly one frame"), started)
        }
        let head: RequestHead
        switch RequestHead.parse(frame) {
        case let .success(parsed): head = parsed
        case let .failure(bad):
            return refuse(envelope, id: bad.id, "unknown", Status(code: .invalidArgument, message: bad.message), started)
        }
        let handler = handlers[head.method]
        // Immediate handlers (Health/Check reports the state itself) answer in every state; while
        // starting, the service's own handlers may not be registered yet, so nothing is "unknown".
        let isImmediate = if case .immediate? = handler { true } else { false }
        switch state.withLock({ $0 }) {
        case .serving: break
        case .starting where !isImmediate:
            return refuse(envelope, id: head.id, "unknown", Status(code: .unavailable, message: "server is starting"), started)
        case .stopping where !isImmediate && handler != nil:
            return refuse(envelope, id: head.id, head.method, Status(code: .unavailable, message: "server is shutting down"), started)
        case .starting, .stopping: break
        }
        // Metrics name only registered methods, so a client cannot grow the set of series.
        guard let handler else {
            return refuse(envelope, id: head.id, "unknown", Status(code: .unimplemented, message: "unknown method '\(head.method)'"), started)
        }
        var deadline: ContinuousClock.Instant?
        if let milliseconds = head.deadlineMs {
            guard milliseconds > 0 else {
                return refuse(envelope, id: head.id, head.method, Status(code: .deadlineExceeded, message: "deadline exceeded before the request was served"), started)
            }
            deadline = started.advanced(by: .milliseconds(min(milliseconds, RequestHead.maxDeadlineMs)))
        }
        var logger = self.logger
        logger[metadataKey: "rpc.method"] = "\(head.method)"
        logger[metadataKey: "rpc.id"] = "\(head.id)"
        let context = RequestContext(id: head.id, method: head.method, metadata: head.metadata ?? [:], deadline: deadline, logger: logger, frame: frame)
        switch handler {
        case let .immediate(handler):
            let (code, reply) = Responder.answer(context) { try handler(context) }
            send(envelope, reply)
            count(head.method, code, since: started)
        case let .task(handler):
            start(handler, context, envelope, started)
        }
    }

    private func start(_ handler: @escaping @Sendable (RequestContext) async throws -> any Encodable & Sendable, _ context: RequestContext, _ envelope: [Data], _ started: ContinuousClock.Instant) {
        lastToken += 1
        let token = lastToken
        let outbox = self.outbox
        let task = Task {
            let (code, reply) = await Responder.answer(context) { try await handler(context) }
            outbox.post(.reply(token: token, code: code, frame: reply))
        }
        inFlight[token] = InFlight(envelope: envelope, id: context.id, method: context.method, deadline: context.deadline, started: started, task: task)
    }

    private func refuse(_ envelope: [Data], id: String, _ method: String, _ status: Status, _ started: ContinuousClock.Instant) {
        reply(envelope, id: id, status)
        count(method, status.code, since: started)
    }

    private func reply(_ envelope: [Data], id: String, _ status: Status) {
        send(envelope, Responder.encode(ReplyEnvelope(id: id, status: status, body: nil)))
    }

    private func send(_ envelope: [Data], _ frame: Data) {
        // ROUTER never blocks: a reply to a vanished client is dropped by libzmq.
        _ = try? sockets[0].send(envelope + [frame])
    }

    /// Made once per series: this runs on the socket's thread for every request.
    private var counters: [String: Counter] = [:]
    private var timers: [String: Timer] = [:]

    private func count(_ method: String, _ code: Int, since started: ContinuousClock.Instant) {
        let key = "\(method) \(code)"
        let counter = counters[key] ?? Counter(label: "rpc.server.requests", dimensions: [("method", method), ("code", String(code))], factory: metrics)
        counters[key] = counter
        counter.increment()
        let timer = timers[method] ?? Timer(label: "rpc.server.duration", dimensions: [("method", method)], factory: metrics)
        timers[method] = timer
        timer.record(duration: started.duration(to: .now))
    }

    private func reportIfDrained() {
        if inFlight.isEmpty, case .stopping = state.withLock({ $0 }) { onDrained() }
    }
}

/// Runs handlers and encodes replies, off the socket's thread.
enum Responder {
    /// Runs a handler and encodes its reply.
    static func answer(_ context: RequestContext, _ body: () async throws -> any Encodable & Sendable) async -> (Int, Data) {
        do {
            return encode(context, .success(try await body()))
        } catch {
            return encode(context, .failure(error))
        }
    }

    static func answer(_ context: RequestContext, _ body: () throws -> any Encodable & Sendable) -> (Int, Data) {
        do {
            return encode(context, .success(try body()))
        } catch {
            return encode(context, .failure(error))
        }
    }

    private static func encode(_ context: RequestContext, _ result: Result<any Encodable & Sendable, any Error>) -> (Int, Data) {
        let status: Status
        switch result {
        case let .success(body):
            if let encoded = try? Wire.encode(ReplyEnvelope(id: context.id, status: .ok, body: body)) {
                return (StatusCode.ok.rawValue, encoded)
            }
            context.logger.error("reply does not encode")
            status = Status(code: .internal, message: "internal error")
        case let .failure(error):
            status = StatusMapping.status(for: error)
            if status.code == StatusCode.internal.rawValue {
                context.logger.error("handler failed", metadata: ["rpc.error": "\(error)"])
            }
        }
        return (status.code, encode(ReplyEnvelope(id: context.id, status: status, body: nil)))
    }

    static func encode(_ reply: ReplyEnvelope) -> Data {
        // An id and a status always encode.
        (try? Wire.encode(reply)) ?? Data(#"{"id":"","status":{"code":13,"message":"internal error"},"body":null}"#.utf8)
    }
}

/// Lets tasks post to a loop that did not exist yet when they were given the outbox.
final class Outbox<Command: Sendable>: Sendable {
    private let loop = Locked<PollLoop<Command>?>(nil)

    func attach(_ loop: PollLoop<Command>) { self.loop.withLock { $0 = loop } }

    func post(_ command: Command) { loop.withLock { $0 }?.post(command) }
}
