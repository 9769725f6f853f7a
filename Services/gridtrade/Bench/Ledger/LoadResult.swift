import Histogram

/// One system under load: what `gridtrade bench ledger --json` prints per row.
struct LoadResult: Encodable {
    struct Latency: Encodable {
        var p50: Double
        var p99: Double
    }

    var system: String
    var nodes: Int
    var transactions: Int
    var committedPerSecond: Double
    var latencyMs: Latency
    var failed: Int
    /// For the ledger: P-256 verifications/s on all cores ÷ (1 signature × nodes).
    var machineBoundPerSecond: Double?

    enum CodingKeys: String, CodingKey {
        case system, nodes, transactions, failed
        case machineBoundPerSecond = "machine_bound_per_s"
        case committedPerSecond = "committed_per_s"
        case latencyMs = "latency_ms"
    }

    init(system: String, nodes: Int, committed: Int, failed: Int, seconds: Double, latencies: Histogram<UInt64>) {
        self.system = system
        self.nodes = nodes
        transactions = committed
        self.failed = failed
        committedPerSecond = Double(committed) / max(seconds, 1e-9)
        // Recorded in microseconds.
        latencyMs = Latency(p50: Double(latencies.valueAtPercentile(50)) / 1000, p99: Double(latencies.valueAtPercentile(99)) / 1000)
    }
}

/// Latencies from 1 µs to 10 min, 3 significant digits.
func latencyHistogram() -> Histogram<UInt64> {
    Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
}
