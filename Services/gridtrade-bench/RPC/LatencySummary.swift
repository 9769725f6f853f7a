/// Round-trip times of one benchmark run.
struct LatencySummary: Encodable {
    var name: String
    var requests: Int
    var seconds: Double
    var requestsPerSecond: Double
    var p50Microseconds: Double?
    var p99Microseconds: Double?

    enum CodingKeys: String, CodingKey {
        case name, requests, seconds
        case requestsPerSecond = "requests_per_second"
        case p50Microseconds = "p50_us"
        case p99Microseconds = "p99_us"
    }

    init(name: String, elapsed: Duration, samples: [Duration], requests: Int) {
        self.name = name
        self.requests = requests
        seconds = elapsed.seconds
        requestsPerSecond = Double(requests) / max(seconds, 1e-9)
        let sorted = samples.map { $0.seconds * 1e6 }.sorted()
        p50Microseconds = Self.percentile(sorted, 0.50)
        p99Microseconds = Self.percentile(sorted, 0.99)
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
