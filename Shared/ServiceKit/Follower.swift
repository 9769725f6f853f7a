import Bus
import Logging
import ServiceLifecycle

/// What a `Follower` follows: an upstream service's items after a durable cursor, and what to do
/// with each. The source owns the cursor: `handle` stores an item's effect and the advanced
/// cursor in one transaction, so a crash between items neither loses one nor does one twice.
public protocol FollowerSource: Sendable {
    associatedtype Item: Sendable
    /// The next items to handle, in upstream order, at most a page, read from the durable
    /// cursor; empty when caught up.
    func next() async throws -> [Item]
    /// Handles one item and advances the cursor past it. Must be idempotent: after a failure the
    /// same item comes back from `next()`.
    func handle(_ item: Item) async throws
}

/// What wakes a follower early: an upstream event topic. Events only say "there is more"; the
/// items themselves always come from `next()`, so a lost or duplicated event changes nothing.
public struct FollowerWake: Sendable {
    let name: String
    let listen: @Sendable (_ wake: @escaping @Sendable () -> Void) async throws -> Void

    public static func events<Payload>(_ subscriber: EventSubscriber, _ topic: EventTopic<Payload>) -> FollowerWake {
        FollowerWake(name: topic.name) { wake in
            for try await _ in subscriber.subscribe(topic) { wake() }
        }
    }

    /// Only the events that concern this follower wake it (many followers of one busy topic would
    /// otherwise all drain at every event); the sweep still covers a lost one.
    public static func events<Payload>(_ subscriber: EventSubscriber, _ topic: EventTopic<Payload>, when concerns: @escaping @Sendable (Payload) -> Bool) -> FollowerWake {
        FollowerWake(name: topic.name) { wake in
            for try await event in subscriber.subscribe(topic) where concerns(event.body) { wake() }
        }
    }
}

extension FollowerWake {
    /// A wake from inside the process: whoever makes new work for the follower rings the bell.
    public static func bell(_ bell: FollowerBell) -> FollowerWake {
        FollowerWake(name: "bell") { wake in
            for await _ in bell.rings { wake() }
        }
    }
}

/// Rung by a part of the process that made work for a follower (one ring pending at most).
public final class FollowerBell: Sendable {
    let rings: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() { (rings, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1)) }

    public func ring() { continuation.yield() }
}

/// The one piece for "react to an upstream service's events, sweep for gaps, keep a cursor",
/// run as a `Service` in the process's group. It drains the source whenever an event arrives and
/// every `sweepEvery` (which covers lost events and an upstream that restarted), one item at a
/// time in order. An item that fails is retried with backoff; the items after it wait.
public struct Follower<Source: FollowerSource>: Service {
    public let name: String
    let source: Source
    let wakes: [FollowerWake]
    let sweepEvery: Duration
    let backoff: ClosedRange<Duration>
    let logger: Logger

    public init(
        name: String, source: Source, wakeOn wakes: [FollowerWake], sweepEvery: Duration,
        backoff: ClosedRange<Duration> = .milliseconds(200)...(.seconds(5)), logger: Logger
    ) {
        self.name = name
        self.source = source
        self.wakes = wakes
        self.sweepEvery = sweepEvery
        self.backoff = backoff
        var logger = logger
        logger[metadataKey: "follower"] = "\(name)"
        self.logger = logger
    }

    public func run() async throws {
        // One pending wake is enough: a drain reads everything there is when it starts.
        let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for wake in wakes {
                    group.addTask { await listen(wake) { signal.yield() } }
                }
                group.addTask {
                    while !Task.isCancelled {
                        signal.yield()
                        try? await Task.sleep(for: sweepEvery)
                    }
                }
                group.addTask {
                    for await _ in signals { await drain() }
                }
            }
        }
    }

    /// Subscribes, and subscribes again after the upstream goes away.
    private func listen(_ wake: FollowerWake, signal: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            do {
                try await wake.listen(signal)
            } catch {
                if Task.isCancelled { return }
                logger.warning("upstream events interrupted; resubscribing", metadata: ["topic": "\(wake.name)", "error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Handles everything after the cursor; on an error waits and starts again from the cursor.
    func drain() async {
        var delay = backoff.lowerBound
        while !Task.isCancelled {
            do {
                let page = try await source.next()
                if page.isEmpty { return }
                for item in page {
                    try Task.checkCancellation()
                    try await source.handle(item)
                }
                delay = backoff.lowerBound
            } catch {
                if Task.isCancelled { return }
                logger.warning("postponed; retrying from the cursor", metadata: ["error": "\(error)", "retry.after": "\(delay)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, backoff.upperBound)
            }
        }
    }
}
