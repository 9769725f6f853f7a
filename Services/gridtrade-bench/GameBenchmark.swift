import ArgumentParser
import Foundation
import Game

/// `gridtrade-bench game`: the cooperative game's two goals, single-threaded.
struct GameBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "game",
        abstract: "Exact Shapley for 20 generators (goal <= 2 s) and sampled Shapley for 1,000 to a 1% interval (goal <= 5 s).",
        discussion: """
            Synthetic generators from a fixed seed: a in [0.005, 0.03], b in [7, 12], pmax in [40, 140] MW, \
            pmin 10-30% of pmax, k in [1.05, 1.35]; demand 60% of the total pmax; the paper's price rule. \
            The 1% target: every generator's 95% half-width <= 1% of |v(N)|/n (see SamplingPlan). \
            Both runs are on the calling thread. Build with -c release.
            """
    )

    @Option(help: "Generators for the exact run.") var exactGenerators = 20
    @Option(help: "Generators for the sampled run.") var sampledGenerators = 1_000
    @Option(help: "Target half-width, as a fraction of |v(N)|/n.") var target = 0.01
    @Option(help: "Most permutations before giving up on the target.") var maxSamples = 1_000_000
    @Option(help: "Seed of the generator sets and the permutations.") var seed: UInt64 = 2_024
    @Flag(help: "Print JSON.") var json = false

    struct Row: Encodable {
        var name: String
        var generators: Int
        var seconds: Double
        var goalSeconds: Double?
        var samples: Int?
        var worstRelativeHalfWidth: Double?
        var targetMet: Bool?
        var coalitions: Int?

        enum CodingKeys: String, CodingKey {
            case name, generators, seconds, samples, coalitions
            case goalSeconds = "goal_seconds"
            case worstRelativeHalfWidth = "worst_half_width_over_mean_share"
            case targetMet = "target_met"
        }
    }

    func run() throws {
        guard (1...CooperativeGame.exactHardLimit).contains(exactGenerators), sampledGenerators > 0, target > 0, maxSamples >= 2 else {
            throw ValidationError("--exact-generators must be 1...\(CooperativeGame.exactHardLimit); --sampled-generators, --target positive; --max-samples at least 2")
        }
        var rows: [Row] = []
        let clock = ContinuousClock()

        let small = Self.generators(exactGenerators, seed: seed)
        let smallDemand = 0.6 * small.reduce(0) { $0 + $1.pmax }
        let smallPrice = try CooperativeGame.clearingPrice(small, demand: smallDemand, pricing: .paper)
        var started = clock.now
        let exact = try CooperativeGame.exactShapley(small, demand: smallDemand, price: smallPrice)
        rows.append(Row(name: "exact Shapley + core", generators: exactGenerators, seconds: started.duration(to: clock.now).seconds,
                        goalSeconds: 2, coalitions: (1 << exactGenerators) - 1))
        // A sanity check the timing does not include: the shares add up to v(N).
        let grand = CooperativeGame.value(of: small, demand: smallDemand, price: smallPrice).value
        let gap = abs(exact.shapley.values.values.reduce(0, +) - grand)
        guard gap <= 1e-6 * max(1, abs(grand)) else { throw BenchFailure("exact Shapley shares miss v(N) by \(gap)") }
        // The same game through solve(.exact), which also builds every coalition with its outputs.
        started = clock.now
        let full = try CooperativeGame.solve(small, demand: smallDemand, pricing: .paper, method: .exact)
        rows.append(Row(name: "solve(.exact), all coalitions listed", generators: exactGenerators, seconds: started.duration(to: clock.now).seconds,
                        coalitions: full.coalitions.count))

        let large = Self.generators(sampledGenerators, seed: seed &+ 1)
        let largeDemand = 0.6 * large.reduce(0) { $0 + $1.pmax }
        let largePrice = try CooperativeGame.clearingPrice(large, demand: largeDemand, pricing: .paper)
        started = clock.now
        let sampled = try CooperativeGame.sampleShapley(large, demand: largeDemand, price: largePrice,
                                                        plan: SamplingPlan(target: target, maxSamples: maxSamples, seed: seed))
        rows.append(Row(name: "sampled Shapley to \(Self.percent(target)) CI", generators: sampledGenerators,
                        seconds: started.duration(to: clock.now).seconds, goalSeconds: 5, samples: sampled.estimate.samples,
                        worstRelativeHalfWidth: sampled.worstRelativeHalfWidth, targetMet: sampled.targetMet))

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        func cell<T>(_ value: T?, _ render: (T) -> String) -> String { value.map(render) ?? "-" }
        print("run".padding(toLength: 36, withPad: " ", startingAt: 0) + "     n    seconds   goal s    samples   worst 95% half-width")
        for row in rows {
            print(row.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                + String(format: "%6d %10.3f", row.generators, row.seconds)
                + cell(row.goalSeconds) { String(format: "%9.1f", $0) }.leftPadded(9)
                + cell(row.samples) { String($0) }.leftPadded(11)
                + "   " + cell(row.worstRelativeHalfWidth) { Self.percent($0) + " of |v(N)|/n" })
        }
        let exactRow = rows[0], sampledRow = rows[rows.count - 1]
        print(String(format: "exact %d: %.3f s (goal <= 2 s, %@); sampled %d: %.3f s (goal <= 5 s, %@), target %@",
                     exactGenerators, exactRow.seconds, exactRow.seconds <= 2 ? "met" : "MISSED",
                     sampledGenerators, sampledRow.seconds, sampledRow.seconds <= 5 ? "met" : "MISSED",
                     sampledRow.targetMet == true ? "reached" : "NOT reached"))
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", fraction * 100) }

    /// A deterministic synthetic set (SplitMix64 from `seed`).
    static func generators(_ n: Int, seed: UInt64) -> [GameGenerator] {
        var state = seed
        func uniform(_ lo: Double, _ hi: Double) -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return lo + (hi - lo) * Double(z >> 11) / Double(UInt64(1) << 53)
        }
        return (0..<n).map { i in
            let pmax = uniform(40, 140)
            return GameGenerator(id: "G\(i + 1)", a: uniform(0.005, 0.03), b: uniform(7, 12), c: 0,
                                 pmin: pmax * uniform(0.1, 0.3), pmax: pmax, k: uniform(1.05, 1.35))
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
