import Bus
import Foundation
import Testing
import TestSupport

struct Tick: Codable, Sendable, Equatable {
    var n: Int
}

let tickTopic = EventTopic<Tick>("Tick")
let otherTopic = EventTopic<Tick>("Other")

/// A publisher with its catch-up query served, and a subscriber of both.
struct EventRig {
    let server: RPCServer
    let publisher: EventPublisher
    let subscriber: EventSubscriber
    let serving: Task<Void, Never>

    init(capacity: Int = 10_000, heartbeat: Duration = .milliseconds(100)) throws {
        server = try RPCServer(endpoint: "tcp://127.0.0.1:*")
        publisher = try EventPublisher(endpoint: "tcp://127.0.0.1:*", source: "test", capacityPerTopic: capacity, heartbeatInterval: heartbeat)
        publisher.serveCatchUp(on: server)
        let server = self.server
        serving = Task { await server.run() }
        subscriber = try EventSubscriber(endpoint: publisher.endpoint, rpc: RPCClient(endpoint: server.endpoint))
    }

    func stop() async {
        server.shutdown()
        await serving.value
        publisher.close()
    }
}

@Suite("Events: PUB/SUB with catch-up")
struct EventTests {
    @Test("a late subscriber gets what was published before it joined, then live events, in order, once each")
    func lateJoinerCatchesUp() async throws {
        let rig = try EventRig()
        for n in 1...50 { try rig.publisher.publish(tickTopic, Tick(n: n)) }
        try rig.publisher.publish(otherTopic, Tick(n: -1))
        let stream = rig.subscriber.subscribe(tickTopic)
        let early = try await take(50, from: stream)
        #expect(early.map(\.body.n) == Array(1...50))
        #expect(early.map(\.seq) == Array(1...50))
        // Published fast while the subscriber is attached; whatever SUB drops, catch-up fills.
        for n in 51...1050 { try rig.publisher.publish(tickTopic, Tick(n: n)) }
        let late = try await take(1000, from: stream)
        #expect(late.map(\.body.n) == Array(51...1050))
        #expect(late.allSatisfy { $0.topic == "Tick" && $0.source == "test" && $0.stream == rig.publisher.stream })
        await rig.stop()
    }

    @Test("a subscriber resumes after the seq it last saw")
    func resumeAfter() async throws {
        let rig = try EventRig()
        for n in 1...10 { try rig.publisher.publish(tickTopic, Tick(n: n)) }
        let events = try await take(3, from: rig.subscriber.subscribe(tickTopic, after: 7))
        #expect(events.map(\.seq) == [8, 9, 10])
        await rig.stop()
    }

    @Test("a publisher that restarts (new stream) is followed from its new seq 1")
    func publisherRestart() async throws {
        let server = try RPCServer(endpoint: "tcp://127.0.0.1:*")
        let serving = Task { await server.run() }
        let first = try EventPublisher(endpoint: "tcp://127.0.0.1:*", source: "test", heartbeatInterval: .milliseconds(100))
        first.serveCatchUp(on: server)
        let endpoint = first.endpoint
        let subscriber = try EventSubscriber(endpoint: endpoint, rpc: RPCClient(endpoint: server.endpoint))
        for n in 1...3 { try first.publish(tickTopic, Tick(n: n)) }
        let stream = subscriber.subscribe(tickTopic)
        #expect(try await take(3, from: stream).map(\.body.n) == [1, 2, 3])

        first.close()
        // libzmq releases the port in its I/O thread, a moment after close returns.
        var rebound: EventPublisher?
        for _ in 0..<100 where rebound == nil {
            rebound = try? EventPublisher(endpoint: endpoint, source: "test", heartbeatInterval: .milliseconds(100))
            if rebound == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let second = try #require(rebound)
        second.serveCatchUp(on: server)
        try second.publish(tickTopic, Tick(n: 100))
        try second.publish(tickTopic, Tick(n: 101))
        let after = try await take(2, from: stream)
        #expect(after.map(\.body.n) == [100, 101])
        #expect(after.map(\.seq) == [1, 2])
        #expect(after.allSatisfy { $0.stream == second.stream })
        server.shutdown()
        await serving.value
        second.close()
    }

    @Test("events no longer kept end the stream with DATA_LOSS (15)")
    func truncatedLog() async throws {
        let rig = try EventRig(capacity: 5)
        for n in 1...20 { try rig.publisher.publish(tickTopic, Tick(n: n)) }
        let stream = rig.subscriber.subscribe(tickTopic)
        do {
            for try await _ in stream { Issue.record("an event arrived despite the gap") }
            Issue.record("the stream ended without an error")
        } catch let error as RPCError {
            #expect(error.code == .dataLoss)
        }
        // A subscriber that already has everything up to the kept window is fine.
        let fromWindow = try await take(5, from: rig.subscriber.subscribe(tickTopic, after: 15))
        #expect(fromWindow.map(\.body.n) == [16, 17, 18, 19, 20])
        await rig.stop()
    }

    @Test("Events/Since over the wire: limit, head, truncated and bad input")
    func sinceQuery() async throws {
        let rig = try EventRig(capacity: 100)
        for n in 1...30 { try rig.publisher.publish(tickTopic, Tick(n: n)) }
        let client = try RPCClient(endpoint: rig.server.endpoint)
        let page = try await client.call(Events.since(tickTopic), .init(topic: "Tick", afterSeq: 10, limit: 5))
        #expect(page.events.map(\.seq) == [11, 12, 13, 14, 15])
        #expect(page.head == 30)
        #expect(page.truncated == false)
        let beyond = try await client.call(Events.since, .init(topic: "Tick", afterSeq: .max))
        #expect(beyond.events.isEmpty && beyond.head == 30)
        let none = try await client.call(Events.since, .init(topic: "Unknown", afterSeq: 0))
        #expect(none.head == 0 && none.events.isEmpty)
        await #expect(throws: RPCError(.invalidArgument, "body.limit must be positive")) {
            try await client.call(Events.since, .init(topic: "Tick", afterSeq: 0, limit: 0))
        }
        await rig.stop()
    }
}

@Suite("Events: an unreachable catch-up endpoint")
struct UnreachableCatchUpTests {
    @Test("a subscription outlives a catch-up endpoint that is down, and fills in once it is back")
    func survivesDownEndpoint() async throws {
        let publisher = try EventPublisher(endpoint: "tcp://127.0.0.1:*", source: "test", heartbeatInterval: .milliseconds(100))
        let first = try RPCServer(endpoint: "tcp://127.0.0.1:*")
        let endpoint = first.endpoint
        first.shutdown()
        await first.run()
        for n in 1...3 { try publisher.publish(tickTopic, Tick(n: n)) }

        let subscriber = try EventSubscriber(endpoint: publisher.endpoint, rpc: RPCClient(endpoint: endpoint, connectTimeout: .milliseconds(100)))
        let stream = subscriber.subscribe(tickTopic)
        try await Task.sleep(for: .milliseconds(400))

        // libzmq frees the port a moment after the first server closed.
        var revived: RPCServer?
        for _ in 0..<100 where revived == nil {
            revived = try? RPCServer(endpoint: endpoint)
            if revived == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let server = try #require(revived)
        publisher.serveCatchUp(on: server)
        let serving = Task { await server.run() }
        try publisher.publish(tickTopic, Tick(n: 4))
        #expect(try await take(4, from: stream).map(\.body.n) == [1, 2, 3, 4])
        server.shutdown()
        await serving.value
        publisher.close()
    }
}
