import Foundation
import Logging
import Metrics

/// A service's request/reply endpoint: a ROUTER socket on its own thread, each request's handler
/// run as a task. Register handlers, then `run()`. Every failure of a request becomes a reply with
/// a status; nothing a client sends stops the server.
public final class RPCServer: Sendable {
    public struct Options: Sendable {
        /// Bigger frames are refused by libzmq (the sending connection is dropped).
        public var maxMessageBytes: Int64
        /// False for a server whose owner registers handlers after binding and then calls
        /// `ready()`; until then requests get UNAVAILABLE and `Health/Check` NOT_SERVING.
        public var startsReady: Bool

        public init(maxMessageBytes: Int64 = 4 << 20, startsReady: Bool = true) {
            self.maxMessageBytes = maxMessageBytes
            self.startsReady = startsReady
        }
    }

    private enum Phase {
        case serving
        case waiting(CheckedContinuation<Void, Never>)
        case drained
    }

    /// The endpoint actually bound (with the port filled in for `tcp://host:*`).
    public let endpoint: String
    private let loop: PollLoop<RouterDriver.Command>
    private let handlers = HandlerTable()
    private let phase = Locked<Phase>(.serving)
    private let state: Locked<ServerState>

    public init(
        endpoint: String,
        options: Options = Options(),
        logger: Logger = Logger(label: "gridtrade.rpc"),
        metrics: any MetricsFactory = MetricsSystem.factory
    ) throws {
        let outbox = Outbox<RouterDriver.Command>()
        let bound = Locked("")
        let handlers = self.handlers
        let phase = self.phase
        let state = Locked<ServerState>(options.startsReady ? .serving : .starting)
        self.state = state
        loop = try PollLoop(name: "rpc-server") {
            let driver = try RouterDriver(
                endpoint: endpoint,
                maxMessageBytes: options.maxMessageBytes,
                handlers: handlers,
                outbox: outbox,
                metrics: metrics,
                logger: logger,
                state: state
            ) {
                let waiting = phase.withLock { phase -> CheckedContinuation<Void, Never>? in
                    defer { phase = .drained }
                    if case let .waiting(continuation) = phase { return continuation }
                    return nil
                }
                waiting?.resume()
            }
            bound.withLock { $0 = driver.boundEndpoint }
            return driver
        }
        outbox.attach(loop)
        self.endpoint = bound.withLock { $0 }
        registerImmediate(Health.check) { [state] _, _ in
            guard case .serving = state.withLock({ $0 }) else { return HealthCheckResponse(status: HealthCheckResponse.notServing) }
            return HealthCheckResponse(status: HealthCheckResponse.serving)
        }
    }

    deinit { loop.stop() }

    /// Adds (or replaces) the handler of a method.
    public func register<Request, Response>(
        _ method: Method<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        handlers.register(method, handler: handler)
    }

    /// Adds a handler that runs on the socket's thread the moment its request arrives, with no
    /// task: for answers read from memory, like `Health/Check`, which then answer even while the
    /// task pool is saturated. It must never block or compute at length: it holds up the socket.
    public func registerImmediate<Request, Response>(
        _ method: Method<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) throws -> Response
    ) {
        handlers.registerImmediate(method, handler: handler)
    }

    /// The registered method names, sorted.
    public var methods: [String] { handlers.names }

    /// Serves until `shutdown()` or cancellation; then answers the requests in hand (new ones get
    /// UNAVAILABLE), and closes the socket.
    public func run() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let drained = phase.withLock { phase -> Bool in
                    if case .drained = phase { return true }
                    phase = .waiting(continuation)
                    return false
                }
                if drained { continuation.resume() }
            }
        } onCancel: {
            shutdown()
        }
        // libzmq can drop a message still queued when its socket closes, linger or not
        // (zeromq/libzmq#1264); the last replies get a moment to reach the wire first.
        try? await Task.sleep(for: Self.flushGrace)
        loop.stop()
    }

    /// How long a drained server keeps its socket open for its last replies.
    static let flushGrace: Duration = .milliseconds(500)

    /// Starts taking requests, for a server made with `startsReady: false`.
    public func ready() {
        state.withLock { if case .starting = $0 { $0 = .serving } }
    }

    /// Stops taking requests; `run()` returns once those in hand are answered.
    public func shutdown() {
        state.withLock { $0 = .stopping }
        loop.post(.shutdown)
    }
}
