import Consensus
import Foundation

/// How a Byzantine node misbehaves.
public enum ByzantineBehaviour: String, Sendable, Codable, CaseIterable {
    /// Sends nothing at all (a primary that is up but silent).
    case silent
    /// As primary, sends different batches to different replicas; always votes yes to whoever asks.
    case equivocate
    /// Sends junk: bad signatures, votes forged as other nodes, votes for other views and sequence
    /// numbers, lies about its height, bogus blocks, view changes and new-views.
    case garbage
    /// Holds every message it sends for longer than the view-change timeout.
    case slow
}

/// One run's faults and network, all drawn from the seed.
public struct Scenario: Sendable, Codable {
    public struct Crash: Sendable, Codable {
        public let node: Int
        public let at: UInt64
        public let restartAt: UInt64
    }

    public struct Partition: Sendable, Codable {
        /// Nodes cut off from the rest (both directions) from `at` until `healAt`.
        public let side: [Int]
        public let at: UInt64
        public let healAt: UInt64
    }

    public struct Submission: Sendable, Codable {
        public let at: UInt64
        public let node: Int
        public let client: UInt64
    }

    public let seed: UInt64
    public let nodes: Int
    public let byzantine: [Int: ByzantineBehaviour]
    public let crashes: [Crash]
    public let partitions: [Partition]
    public let submissions: [Submission]
    public let dropRate: Double
    public let duplicateRate: Double
    public let minDelay: UInt64
    public let maxDelay: UInt64
    /// Every fault is over (partitions healed, crashed nodes restarted) by this time.
    public let healedAt: UInt64
    /// Liveness must be reached by this time.
    public let deadline: UInt64
    public let brokenQuorum: Bool

    /// The scenario the tests and `gridtrade sim` run for `seed`. At most f nodes are Byzantine or
    /// crashed at once; partitions come on top (they may leave no quorum for a while: safety must hold
    /// regardless, liveness is judged after they heal).
    public static func generate(seed: UInt64, nodes: Int) -> Scenario {
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(nodes))
        let f = (nodes - 1) / 3
        var byzantine: [Int: ByzantineBehaviour] = [:]
        let byzantineCount = random.chance(0.5) ? random.int(in: 1...f) : 0
        var candidates = random.shuffled(Array(0..<nodes))
        // The first primary is the most interesting liar: put it first half the time.
        if byzantineCount > 0, random.chance(0.5), let index = candidates.firstIndex(of: 0) { candidates.swapAt(0, index) }
        for node in candidates.prefix(byzantineCount) { byzantine[node] = random.element(of: ByzantineBehaviour.allCases) }
        let honest = candidates.dropFirst(byzantineCount)

        var crashes: [Crash] = []
        let crashCount = random.int(in: 0...(f - byzantineCount))
        for node in random.shuffled(Array(honest)).prefix(crashCount) where random.chance(0.7) {
            let at = random.time(in: 100...2_500)
            crashes.append(Crash(node: node, at: at, restartAt: at + random.time(in: 200...1_500)))
        }

        var partitions: [Partition] = []
        if random.chance(0.4) {
            let at = random.time(in: 100...2_500)
            let size = random.chance(0.3) ? nodes / 2 : random.int(in: 1...f)
            partitions.append(Partition(side: Array(random.shuffled(Array(0..<nodes)).prefix(size)).sorted(), at: at, healAt: at + random.time(in: 200...1_500)))
        }

        var submissions: [Submission] = []
        for client in 0..<UInt64(random.int(in: 20...40)) {
            submissions.append(Submission(at: random.time(in: 0...1_500), node: random.element(of: Array(honest)), client: client))
        }
        let dropRate = random.chance(0.3) ? 0 : random.unit() * 0.08
        let duplicateRate = random.unit() * 0.05
        let minDelay = random.time(in: 1...5)
        let maxDelay = minDelay + random.time(in: 2...30)
        let healedAt = max(1_500, (crashes.map(\.restartAt) + partitions.map(\.healAt)).max() ?? 0)
        return Scenario(
            seed: seed, nodes: nodes, byzantine: byzantine, crashes: crashes, partitions: partitions,
            submissions: submissions.sorted { $0.at < $1.at }, dropRate: dropRate, duplicateRate: duplicateRate,
            minDelay: minDelay, maxDelay: maxDelay, healedAt: healedAt, deadline: healedAt + 30_000, brokenQuorum: false
        )
    }

    /// The adversarial schedule for the broken-quorum check: the first primary equivocates and votes for
    /// both sides, over a lossy network. With quorums of 2f it splits the honest nodes; with 2f+1 it cannot.
    public static func brokenQuorum(seed: UInt64, nodes: Int) -> Scenario {
        var random = SeededRandom(seed: seed ^ 0xB40C_E40F)
        var submissions: [Submission] = []
        for client in 0..<UInt64(20) {
            submissions.append(Submission(at: random.time(in: 0...1_000), node: random.int(in: 1...(nodes - 1)), client: client))
        }
        return Scenario(
            seed: seed, nodes: nodes, byzantine: [0: .equivocate], crashes: [], partitions: [],
            submissions: submissions.sorted { $0.at < $1.at }, dropRate: 0.02, duplicateRate: 0.01,
            minDelay: 1, maxDelay: 10, healedAt: 1_500, deadline: 6_000, brokenQuorum: true
        )
    }

    /// The same schedule with the real 2f+1 quorums.
    public var withCorrectQuorum: Scenario {
        Scenario(
            seed: seed, nodes: nodes, byzantine: byzantine, crashes: crashes, partitions: partitions, submissions: submissions,
            dropRate: dropRate, duplicateRate: duplicateRate, minDelay: minDelay, maxDelay: maxDelay, healedAt: healedAt,
            deadline: healedAt + 30_000, brokenQuorum: false
        )
    }

    public var summary: String {
        var parts: [String] = []
        for (node, behaviour) in byzantine.sorted(by: { $0.key < $1.key }) { parts.append("dc\(node) byzantine (\(behaviour.rawValue))") }
        for crash in crashes { parts.append("dc\(crash.node) crashes at \(crash.at) ms, restarts at \(crash.restartAt) ms") }
        for partition in partitions {
            parts.append("partition \(partition.side.map { "dc\($0)" }.joined(separator: ",")) from \(partition.at) to \(partition.healAt) ms")
        }
        parts.append(String(format: "drop %.1f%%, duplicate %.1f%%", dropRate * 100, duplicateRate * 100) + ", delay \(minDelay)-\(maxDelay) ms")
        if brokenQuorum { parts.append("BROKEN quorum 2f") }
        return parts.joined(separator: "; ")
    }
}
