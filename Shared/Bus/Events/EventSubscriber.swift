import Foundation
import Synchronization

/// Receives a service's events in order, without gaps: live over SUB, and through `Events/Since`
/// for what was published before it joined or dropped on the way (a gap in seq, or a heartbeat
/// showing a newer head).
public final class EventSubscriber: Sendable {
    private enum Incoming: Sendable {
        case event(Data)
        case heartbeat(Data)
    }

    private let rpc: RPCClient
    private let loop: PollLoop<SubscriberDriver.Command>
    private let routes: Locked<[String: [UInt64: AsyncStream<Incoming>.Continuation]]>
    private let nextRoute = Atomic<UInt64>(0)

    /// - Parameters:
    ///   - endpoint: the service's PUB endpoint.
    ///   - rpc: a client of the same service's RPC endpoint, for catch-up.
    public init(endpoint: String, rpc: RPCClient) throws {
        self.rpc = rpc
        let routes = Locked<[String: [UInt64: AsyncStream<Incoming>.Continuation]]>([:])
        self.routes = routes
        loop = try PollLoop(name: "events-subscriber") {
            try SubscriberDriver(endpoint: endpoint) { topic, frame in
                let sinks = routes.withLock { routes -> [AsyncStream<Incoming>.Continuation] in
                    if topic == Heartbeat.topic { return routes.values.flatMap(\.values) }
                    return routes[topic].map { Array($0.values) } ?? []
                }
                let message: Incoming = topic == Heartbeat.topic ? .heartbeat(frame) : .event(frame)
                for sink in sinks { sink.yield(message) }
            }
        }
    }

    deinit { loop.stop() }

    /// The events of `topic` with seq greater than `after`, then every new one, in seq order.
    /// Ends with DATA_LOSS (15) if the publisher no longer keeps events the caller has not seen.
    public func subscribe<Payload>(_ topic: EventTopic<Payload>, after: UInt64 = 0) -> AsyncThrowingStream<Event<Payload>, any Error> {
        let (incoming, sink) = AsyncStream<Incoming>.makeStream()
        let route = nextRoute.wrappingAdd(1, ordering: .relaxed).newValue
        routes.withLock { $0[topic.name, default: [:]][route] = sink }
        loop.post(.subscribe(topic.name))
        loop.post(.subscribe(Heartbeat.topic))
        let (events, output) = AsyncThrowingStream<Event<Payload>, any Error>.makeStream()
        let rpc = self.rpc
        let task = Task {
            var cursor = Cursor<Payload>(topic: topic, last: after)
            do {
                try await cursor.catchUpUnlessUnreachable(rpc, output)
                for await message in incoming {
                    try Task.checkCancellation()
                    switch message {
                    case let .event(frame):
                        guard let event = try? Wire.decode(Event<Payload>.self, from: frame) else { continue }
                        if event.stream == cursor.stream, event.seq == cursor.last + 1 {
                            cursor.last = event.seq
                            output.yield(event)
                        } else if event.stream != cursor.stream || event.seq > cursor.last {
                            try await cursor.catchUpUnlessUnreachable(rpc, output)
                        }
                    case let .heartbeat(frame):
                        guard let beat = try? Wire.decode(Heartbeat.self, from: frame) else { continue }
                        if beat.stream != cursor.stream || (beat.heads[topic.name] ?? 0) > cursor.last {
                            try await cursor.catchUpUnlessUnreachable(rpc, output)
                        }
                    }
                }
                output.finish()
            } catch {
                output.finish(throwing: error)
            }
        }
        output.onTermination = { [routes, loop] _ in
            task.cancel()
            sink.finish()
            routes.withLock { _ = $0[topic.name]?.removeValue(forKey: route) }
            loop.post(.unsubscribe(topic.name))
            loop.post(.unsubscribe(Heartbeat.topic))
        }
        return events
    }
}

/// Where one subscription stands: the publisher's stream and the last seq delivered.
private struct Cursor<Payload: Codable & Sendable> {
    let topic: EventTopic<Payload>
    var stream: String?
    var last: UInt64

    init(topic: EventTopic<Payload>, last: UInt64) {
        self.topic = topic
        self.last = last
    }

    /// As `catchUp`, but a publisher that cannot be reached right now (restarting, say) ends
    /// nothing: its next heartbeat or event brings the subscriber here again.
    mutating func catchUpUnlessUnreachable(_ rpc: RPCClient, _ output: AsyncThrowingStream<Event<Payload>, any Error>.Continuation) async throws {
        do {
            try await catchUp(rpc, output)
        } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
            return
        }
    }

    /// Fetches and delivers everything after `last`. A new stream means the publisher restarted:
    /// its events count from 1 again, so all of them are new to us.
    mutating func catchUp(_ rpc: RPCClient, _ output: AsyncThrowingStream<Event<Payload>, any Error>.Continuation) async throws {
        let limit = 1000
        while true {
            var reply = try await rpc.call(Events.since(topic), EventsSinceRequest(topic: topic.name, afterSeq: last, limit: limit))
            if let stream, stream != reply.stream {
                last = 0
                reply = try await rpc.call(Events.since(topic), EventsSinceRequest(topic: topic.name, afterSeq: 0, limit: limit))
            }
            stream = reply.stream
            if reply.truncated {
                throw RPCError(.dataLoss, "events of '\(topic.name)' after seq \(last) are no longer kept; resync from a snapshot")
            }
            for event in reply.events where event.seq > last {
                last = event.seq
                output.yield(event)
            }
            if last >= reply.head || reply.events.isEmpty { return }
        }
    }
}
