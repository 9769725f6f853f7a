import Foundation

/// A service's event endpoint: a PUB socket whose topic frame is the event name, plus the log
/// behind `Events/Since`, so a late or restarted subscriber catches up: the last
/// `capacityPerTopic` events of each topic, at most `maxBytesPerTopic` of them (`EventLog`).
public final class EventPublisher: Sendable {
    /// This run's stream id; subscribers see it change when the publisher restarts.
    public let stream: String
    public let source: String
    /// The endpoint actually bound.
    public let endpoint: String
    private let log: Locked<EventLog>
    private let loop: PollLoop<PublisherDriver.Command>

    public init(
        endpoint: String, source: String, capacityPerTopic: Int = 10_000, maxBytesPerTopic: Int = 4 << 20,
        heartbeatInterval: Duration = .seconds(1)
    ) throws {
        let stream = UUID().uuidString.lowercased()
        let log = Locked(EventLog(capacity: capacityPerTopic, maxBytes: maxBytesPerTopic))
        self.stream = stream
        self.source = source
        self.log = log
        let bound = Locked("")
        loop = try PollLoop(name: "events-publisher") {
            let driver = try PublisherDriver(endpoint: endpoint, heartbeatInterval: heartbeatInterval) {
                let heads = log.withLock { $0.heads }
                return try? Wire.encode(Heartbeat(stream: stream, source: source, timeMs: Date().unixMilliseconds, heads: heads))
            }
            bound.withLock { $0 = driver.boundEndpoint }
            return driver
        }
        self.endpoint = bound.withLock { $0 }
    }

    deinit { loop.stop() }

    public func close() { loop.stop() }

    /// Publishes an event and returns its seq. The event is in the catch-up log before it is sent.
    @discardableResult
    public func publish<Payload>(_ topic: EventTopic<Payload>, _ payload: Payload) throws -> UInt64 {
        try log.withLock { log in
            let seq = log.nextSeq(topic.name)
            let event = Event(topic: topic.name, seq: seq, stream: stream, timeMs: Date().unixMilliseconds, source: source, body: payload)
            let frame = try Wire.encode(event)
            log.append(topic.name, frame)
            // Posted under the lock, so the socket sends in seq order.
            loop.post(.publish(topic: topic.name, frame: frame))
            return seq
        }
    }

    /// Events kept for `Events/Since`, all topics together, and their encoded bytes.
    public var retained: (events: Int, bytes: Int) { log.withLock { $0.retained } }

    /// Answers `Events/Since`.
    public func since(_ request: EventsSinceRequest) throws -> EventsSinceResponse<JSONValue> {
        guard request.limit.map({ $0 > 0 }) ?? true else { throw RPCError(.invalidArgument, "body.limit must be positive") }
        let limit = min(request.limit ?? 1000, 1000)
        // A reply stays well inside the default 4 MiB message limit; callers page with after_seq.
        let found = log.withLock { $0.since(request.topic, after: request.afterSeq, limit: limit, maxBytes: 1 << 20) }
        let events = try found.frames.map { try Wire.decode(Event<JSONValue>.self, from: $0) }
        return EventsSinceResponse(stream: stream, head: found.head, truncated: found.truncated, events: events)
    }

    /// Registers `Events/Since` on a server.
    public func serveCatchUp(on server: RPCServer) {
        server.register(Events.since) { [self] request, _ in try since(request) }
    }

}
