import Foundation

/// The events a publisher keeps for `Events/Since`: the last `capacity` per topic, and no more
/// than `maxBytes` of them (but always the last one), in memory. Durable domain state lives in
/// each service's store; this log only bridges PUB/SUB drops. The byte bound matters where events
/// are large: the ledger's `BlockCommitted` lists every transaction id of its block, so 10,000 of
/// them range from a few MiB (small blocks) to over 100 MiB (full ones).
struct EventLog: Sendable {
    private struct TopicLog: Sendable {
        var head: UInt64 = 0
        /// Encoded events, oldest first; `frames[0]` has seq `head - frames.count + 1`.
        var frames: [Data] = []
        /// The frames' bytes together.
        var bytes = 0
    }

    let capacity: Int
    let maxBytes: Int
    private var topics: [String: TopicLog] = [:]

    static let defaultMaxBytes = 4 << 20

    init(capacity: Int, maxBytes: Int = EventLog.defaultMaxBytes) {
        self.capacity = max(1, capacity)
        self.maxBytes = max(1, maxBytes)
    }

    /// The seq the next event of `topic` gets.
    func nextSeq(_ topic: String) -> UInt64 { (topics[topic]?.head ?? 0) + 1 }

    mutating func append(_ topic: String, _ frame: Data) {
        var log = topics[topic] ?? TopicLog()
        log.head += 1
        log.frames.append(frame)
        log.bytes += frame.count
        var leaving = max(0, log.frames.count - capacity)
        var left = log.bytes - log.frames[..<leaving].reduce(0) { $0 + $1.count }
        while left > maxBytes, leaving < log.frames.count - 1 {
            left -= log.frames[leaving].count
            leaving += 1
        }
        if leaving > 0 {
            log.frames.removeFirst(leaving)
            log.bytes = left
        }
        topics[topic] = log
    }

    /// Events kept, all topics together, and their encoded bytes.
    var retained: (events: Int, bytes: Int) {
        topics.values.reduce((0, 0)) { ($0.0 + $1.frames.count, $0.1 + $1.bytes) }
    }

    var heads: [String: UInt64] { topics.mapValues(\.head) }

    /// At most `limit` events after `after`, and no more than `maxBytes` of them (but at least one).
    func since(_ topic: String, after: UInt64, limit: Int, maxBytes: Int = .max) -> (head: UInt64, truncated: Bool, frames: [Data]) {
        guard let log = topics[topic] else { return (0, false, []) }
        // Written without `after + 1`: any UInt64 is a valid `after`.
        let oldest = log.head - UInt64(log.frames.count) + 1
        let truncated = after < oldest - 1
        guard after < log.head else { return (log.head, false, []) }
        let start = max(after, oldest - 1)
        let offset = Int(start - (oldest - 1))
        var frames: [Data] = []
        var bytes = 0
        for frame in log.frames[offset..<min(log.frames.count, offset + limit)] {
            bytes += frame.count
            if bytes > maxBytes, !frames.isEmpty { break }
            frames.append(frame)
        }
        return (log.head, truncated, frames)
    }
}
