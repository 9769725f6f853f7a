import Contracts
import Foundation
import Histogram
import Messages

/// What a load run measured: trades per second from the first order to the last commit, and
/// each stage's latency (from the stage before it) and the whole way, p50 and p99, in ms.
struct LoadReport: Encodable, Sendable {
    struct Latency: Encodable, Sendable {
        var stage: String
        var count: Int
        var p50Ms: Double
        var p99Ms: Double

        enum CodingKeys: String, CodingKey {
            case stage, count
            case p50Ms = "p50_ms"
            case p99Ms = "p99_ms"
        }
    }

    var nodes = 0
    var clients: Int
    var trades: Int
    var committed: Int
    var failed: Int
    var seconds: Double
    var tradesPerSecond: Double
    var stages: [Latency]
    var failures: [String]

    /// The stages after confirmation, each measured from the one before it.
    static let measured: [TradeStage] = [.reviewed, .checked, .drafted, .signed, .submitted, .committed]

    init(orders: [OrderID], clock: StageClock, startMs: Int64, seconds: Double, failures: [String], clients: Int) {
        let outcomes = orders.map { clock.outcome($0) }
        committed = outcomes.filter { $0?.stage == .committed && $0?.failure == nil }.count
        failed = orders.count - committed
        trades = orders.count
        self.clients = clients
        self.seconds = seconds
        tradesPerSecond = Double(committed) / max(seconds, 0.001)
        self.failures = Array(failures.prefix(20))
        var histograms = Dictionary(uniqueKeysWithValues: (Self.measured.map(\.rawValue) + ["confirmed to committed"]).map { ($0, Self.histogram()) })
        for (order, outcome) in zip(orders, outcomes) where outcome?.failure == nil {
            let times = clock.times(order)
            var previous = times[.confirmed]
            for stage in Self.measured {
                guard let at = times[stage] else { continue }
                if let before = previous { _ = histograms[stage.rawValue]?.record(UInt64(max(0, at - before) * 1_000 + 1)) }
                previous = at
            }
            if let first = times[.confirmed], let last = times[.committed] {
                _ = histograms["confirmed to committed"]?.record(UInt64(max(0, last - first) * 1_000 + 1))
            }
        }
        stages = (Self.measured.map(\.rawValue) + ["confirmed to committed"]).map { name in
            let histogram = histograms[name] ?? Self.histogram()
            return Latency(
                stage: name, count: Int(histogram.totalCount),
                p50Ms: Double(histogram.valueAtPercentile(50)) / 1_000, p99Ms: Double(histogram.valueAtPercentile(99)) / 1_000
            )
        }
    }

    static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    enum CodingKeys: String, CodingKey {
        case nodes, clients, trades, committed, failed, seconds, stages, failures
        case tradesPerSecond = "trades_per_second"
    }

    var text: String {
        var lines = [String(format: "%d trades, %d clients, %d data centers: %d committed, %d failed in %.1f s: %.1f trades/s", trades, clients, nodes, committed, failed, seconds, tradesPerSecond)]
        lines.append("stage (from the one before)      count    p50 ms    p99 ms")
        for stage in stages {
            lines.append(stage.stage.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: " %7d %9.1f %9.1f", stage.count, stage.p50Ms, stage.p99Ms))
        }
        lines += failures.map { "failed: \($0)" }
        return lines.joined(separator: "\n")
    }
}
