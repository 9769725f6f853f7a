import Bus
import Foundation

/// The bus end to end: `Health/Check` through an `RPCServer` and an `RPCClient` on loopback TCP.
enum BusBenchmark {
    static func sequential(client: RPCClient, requests: Int) async throws -> LatencySummary {
        var samples: [Duration] = []
        samples.reserveCapacity(requests)
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<requests {
            let sent = clock.now
            _ = try await client.call(Health.check, HealthCheckRequest())
            samples.append(sent.duration(to: clock.now))
        }
        return LatencySummary(name: "bus, one call at a time", elapsed: started.duration(to: clock.now), samples: samples, requests: requests)
    }

    /// `inFlight` callers share one client (one DEALER socket), each with its calls back to back.
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
                        _ = try await client.call(Health.check, HealthCheckRequest())
                        mine.append(sent.duration(to: clock.now))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return LatencySummary(
            name: "bus, \(inFlight) calls in flight",
            elapsed: started.duration(to: clock.now),
            samples: samples,
            requests: perCaller * inFlight
        )
    }
}
