/// A typed event topic. The topic is the event's name, e.g. `ServiceStarted`.
public struct EventTopic<Payload: Codable & Sendable>: Sendable {
    public let name: String

    public init(_ name: String) { self.name = name }
}

/// One published event: `{"topic", "seq", "stream", "time_ms", "source", "body"}`.
/// `seq` counts 1, 2, 3... per topic within one `stream` (one run of the publisher);
/// a new stream id means the publisher restarted and counts from 1 again.
public struct Event<Payload: Codable & Sendable>: Codable, Sendable {
    public var topic: String
    public var seq: UInt64
    public var stream: String
    public var timeMs: Int64
    public var source: String
    public var body: Payload

    public init(topic: String, seq: UInt64, stream: String, timeMs: Int64, source: String, body: Payload) {
        self.topic = topic
        self.seq = seq
        self.stream = stream
        self.timeMs = timeMs
        self.source = source
        self.body = body
    }

    enum CodingKeys: String, CodingKey {
        case topic, seq, stream, source, body
        case timeMs = "time_ms"
    }
}

/// Sent on topic `Heartbeat` every second: the last seq of every topic, so a subscriber that
/// missed the latest events (PUB/SUB drops) notices without waiting for the next one.
public struct Heartbeat: Codable, Sendable {
    public static let topic = "Heartbeat"

    public var stream: String
    public var source: String
    public var timeMs: Int64
    public var heads: [String: UInt64]

    public init(stream: String, source: String, timeMs: Int64, heads: [String: UInt64]) {
        self.stream = stream
        self.source = source
        self.timeMs = timeMs
        self.heads = heads
    }

    enum CodingKeys: String, CodingKey {
        case stream, source, heads
        case timeMs = "time_ms"
    }
}

/// `Events/Since`, answered by every service that publishes: the catch-up query for its events.
public enum Events {
    public static let since = Method<EventsSinceRequest, EventsSinceResponse<JSONValue>>("Events/Since")

    /// The same method, with the bodies decoded as the topic's payload.
    public static func since<Payload>(_ topic: EventTopic<Payload>) -> Method<EventsSinceRequest, EventsSinceResponse<Payload>> {
        Method(since.name)
    }
}

public struct EventsSinceRequest: Codable, Sendable {
    public var topic: String
    /// Return events with a larger seq.
    public var afterSeq: UInt64
    /// At most this many (the server caps it at 1,000).
    public var limit: Int?

    public init(topic: String, afterSeq: UInt64, limit: Int? = nil) {
        self.topic = topic
        self.afterSeq = afterSeq
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case topic, limit
        case afterSeq = "after_seq"
    }
}

public struct EventsSinceResponse<Payload: Codable & Sendable>: Codable, Sendable {
    public var stream: String
    /// The last seq published on the topic (0 if none).
    public var head: UInt64
    /// True when events right after `after_seq` are no longer kept: the caller must resync from a snapshot.
    public var truncated: Bool
    public var events: [Event<Payload>]

    public init(stream: String, head: UInt64, truncated: Bool, events: [Event<Payload>]) {
        self.stream = stream
        self.head = head
        self.truncated = truncated
        self.events = events
    }
}
