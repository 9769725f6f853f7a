import Bus
import Foundation

/// The bus end to end through an `RPCServer` and an `RPCClient` on loopback TCP, with either
/// `Health/Check` (an immediate handler, run on the socket thread) or `Bench/Echo` (a task handler,
/// run on the cooperative pool like most domain methods).
enum BusBenchmark {
    struct Echo: Codable, Sendable {
        var text: String
    }

    static let echo = Method<Echo, Echo>("Bench/Echo")

    static func serve(_ server: RPCServer) {
        server.register(echo) { request, _ in request }
    }

    /// One call at a time to `Health/Check`.
    static func healthChecks(client: RPCClient, requests: Int) async throws -> LatencySummary {
        try await oneAtATime("bus, Health/Check", requests) { _ = try await client.call(Health.check, HealthCheckRequest()) }
    }

    /// One call at a time to `Bench/Echo`.
    static func echoes(client: RPCClient, requests: Int) async throws -> LatencySummary {
        try await oneAtATime("bus, Bench/Echo (task)", requests) { _ = try await client.call(echo, Echo(text: "ping")) }
    }

    private static func oneAtATime(_ name: String, _ requests: Int, _ call: () async throws -> Void) async throws -> LatencySummary {
        var samples: [Duration] = []
        samples.reserveCapacity(requests)
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<requests {
            let sent = clock.now
            try await call()
            samples.append(sent.duration(to: clock.now))
        }
        return LatencySummary(name: name, elapsed: started.duration(to: clock.now), samples: samples, requests: requests)
    }

    /// `inFlight` callers share one client (one DEALER socket), each with its calls back to back,
    /// to the task handler.
    static func pipelined(client: RPCClient, requests: Int, inFlight: Int) async throws -> LatencySummary {
        let clock = ContinuousClock()
        let started = clock.now
        let perCaller = requests / inFlight
        let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var mine: [Duration] = []
                    mine.reserveCapacity(perCaller)
                    for _ in 0..<perCaller {
                        let sent = clock.now
                        _ = try await client.call(echo, Echo(text: "ping"))
                        mine.append(sent.duration(to: clock.now))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return LatencySummary(
            name: "bus, \(inFlight) in flight (task)",
            elapsed: started.duration(to: clock.now),
            samples: samples,
            requests: perCaller * inFlight
        )
    }
}
