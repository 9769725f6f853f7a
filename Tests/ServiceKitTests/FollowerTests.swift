import Bus
import Logging
import ServiceKit
import Synchronization
import Testing

/// An upstream of numbered items and a cursor kept "durably" beside the effects, as a service's
/// store would: `handle` appends the effect and advances the cursor together.
private final class Upstream: FollowerSource, Sendable {
    struct State {
        var items: [Int] = []
        var cursor = 0
        var handled: [Int] = []
        /// Items that fail this many more times before they succeed.
        var failures: [Int: Int] = [:]
        var nextCalls = 0
    }

    let state = Mutex(State())
    let page: Int

    init(items: [Int], page: Int = 3, failures: [Int: Int] = [:]) {
        self.page = page
        state.withLock {
            $0.items = items
            $0.failures = failures
        }
    }

    func next() async throws -> [Int] {
        state.withLock { state in
            state.nextCalls += 1
            return Array(state.items.dropFirst(state.cursor).prefix(page))
        }
    }

    func handle(_ item: Int) async throws {
        try state.withLock { state in
            if let left = state.failures[item], left > 0 {
                state.failures[item] = left - 1
                throw Failure()
            }
            // Idempotent: an item at or before the cursor is already done.
            guard let index = state.items.firstIndex(of: item), index >= state.cursor else { return }
            state.handled.append(item)
            state.cursor = index + 1
        }
    }

    func append(_ more: [Int]) { state.withLock { $0.items += more } }
    var handled: [Int] { state.withLock { $0.handled } }

    struct Failure: Error {}
}

/// Waits for progress, not for a fixed time: polls until `done` holds, failing after a limit
/// generous enough for a slow CI machine.
private func eventually(_ what: Comment, limit: Duration = .seconds(30), _ done: () -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !done() {
        guard ContinuousClock.now < deadline else {
            Issue.record(what)
            return
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

@Suite("Follower")
struct FollowerTests {
    let logger = Logger(label: "test")

    @Test("drains every item after the cursor, page by page, in order")
    func drainsInOrder() async throws {
        let upstream = Upstream(items: Array(1...10))
        let follower = Follower(name: "t", source: upstream, wakeOn: [], sweepEvery: .seconds(3600), logger: logger)
        let running = Task { try await follower.run() }
        try await eventually("all ten handled") { upstream.handled.count == 10 }
        #expect(upstream.handled == Array(1...10))
        running.cancel()
        _ = await running.result
    }

    @Test("an item that fails is retried from the cursor and the items after it wait")
    func retriesInOrder() async throws {
        let upstream = Upstream(items: [1, 2, 3, 4, 5], failures: [3: 2])
        let follower = Follower(
            name: "t", source: upstream, wakeOn: [], sweepEvery: .seconds(3600), backoff: .milliseconds(1)...(.milliseconds(4)), logger: logger
        )
        let running = Task { try await follower.run() }
        try await eventually("all five handled after two failures") { upstream.handled.count == 5 }
        #expect(upstream.handled == [1, 2, 3, 4, 5])
        running.cancel()
        _ = await running.result
    }

    @Test("the sweep finds what arrives later without any event")
    func sweepFillsGaps() async throws {
        let upstream = Upstream(items: [1, 2])
        let follower = Follower(name: "t", source: upstream, wakeOn: [], sweepEvery: .milliseconds(10), logger: logger)
        let running = Task { try await follower.run() }
        try await eventually("the first two") { upstream.handled.count == 2 }
        upstream.append([3, 4])
        try await eventually("the later two, found by a sweep") { upstream.handled.count == 4 }
        #expect(upstream.handled == [1, 2, 3, 4])
        running.cancel()
        _ = await running.result
    }

    @Test("an event wakes it long before the next sweep")
    func eventWakes() async throws {
        let server = try RPCServer(endpoint: "tcp://127.0.0.1:*")
        let publisher = try EventPublisher(endpoint: "tcp://127.0.0.1:*", source: "test")
        publisher.serveCatchUp(on: server)
        let serving = Task { await server.run() }
        let client = try RPCClient(endpoint: server.endpoint)
        let topic = EventTopic<Int>("Appended")
        let upstream = Upstream(items: [1])
        let follower = Follower(
            name: "t", source: upstream, wakeOn: [.events(try EventSubscriber(endpoint: publisher.endpoint, rpc: client), topic)],
            sweepEvery: .seconds(3600), logger: logger
        )
        let running = Task { try await follower.run() }
        try await eventually("the first item, from the start-up sweep") { upstream.handled == [1] }
        // The subscription may not be up yet (a slow joiner): keep publishing until one wakes it.
        // Only an event can: the next sweep is an hour away.
        var n = 2
        let deadline = ContinuousClock.now + .seconds(60)
        while upstream.handled.count < 2, ContinuousClock.now < deadline {
            upstream.append([n])
            try publisher.publish(topic, n)
            n += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(upstream.handled.first == 1 && upstream.handled.count >= 2)
        running.cancel()
        _ = await running.result
        server.shutdown()
        await serving.value
        publisher.close()
    }
}
