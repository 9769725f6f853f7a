import Histogram

/// What one closed-loop run measured.
struct LoadOutcome {
    var committed: Int
    var failed: Int
    /// Wall-clock time of the whole run.
    var seconds: Double
    /// The committed operations' latencies, in microseconds.
    var latencies: Histogram<UInt64>
}

/// The load every replicated-store benchmark applies, whatever the store: `clients` concurrent
/// clients, client c doing operations c, c + clients, c + 2 x clients, ... one at a time, each
/// waiting for its reply, so the ledger and etcd are measured the same way.
enum ClosedLoop {
    /// `operation(client, index)` returns true when the store committed operation `index`; a
    /// false or a thrown error counts as failed.
    static func run(clients: Int, operations: Int, _ operation: @escaping @Sendable (_ client: Int, _ index: Int) async throws -> Bool) async -> LoadOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await withTaskGroup(of: (Int, Int, Histogram<UInt64>).self) { group in
            for client in 0..<clients {
                group.addTask {
                    var histogram = latencyHistogram()
                    var committed = 0, failed = 0
                    for index in stride(from: client, to: operations, by: clients) {
                        let sent = clock.now
                        if (try? await operation(client, index)) == true {
                            committed += 1
                            _ = histogram.record(UInt64(max(1, (clock.now - sent).seconds * 1e6)))
                        } else {
                            failed += 1
                        }
                    }
                    return (committed, failed, histogram)
                }
            }
            return await group.reduce(into: [(Int, Int, Histogram<UInt64>)]()) { $0.append($1) }
        }
        let seconds = (clock.now - start).seconds
        var latencies = latencyHistogram()
        for outcome in outcomes { latencies.add(outcome.2) }
        return LoadOutcome(committed: outcomes.reduce(0) { $0 + $1.0 }, failed: outcomes.reduce(0) { $0 + $1.1 }, seconds: seconds, latencies: latencies)
    }
}

/// Latencies from 1 µs to 10 min, 3 significant digits.
func latencyHistogram() -> Histogram<UInt64> {
    Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
}
