/// One system under load: what `gridtrade-bench ledger --json` prints per row.
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

    init(system: String, nodes: Int, outcome: LoadOutcome) {
        self.system = system
        self.nodes = nodes
        transactions = outcome.committed
        failed = outcome.failed
        committedPerSecond = Double(outcome.committed) / max(outcome.seconds, 1e-9)
        // Recorded in microseconds.
        latencyMs = Latency(p50: Double(outcome.latencies.valueAtPercentile(50)) / 1000, p99: Double(outcome.latencies.valueAtPercentile(99)) / 1000)
    }
}
