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
    /// Sends well-formed but stale or forged view changes and new-views: the ones it captured in
    /// earlier views and earlier memberships, replayed; its own over stale checkpoints and prepared
    /// certificates; and, as the primary of a later view, a new-view built from captured view
    /// changes of an earlier membership followed by batches that contradict what was prepared.
    case replay
    /// As a new view's primary, equivocates inside the new-view: different replicas get new-views
    /// built from different sets of view changes (or none at all).
    case splitNewView = "split-new-view"
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

    /// A data center admitted or removed, as a client's transaction submitted at `at` (or, if the
    /// change before it is not in force anywhere yet, as soon as it is).
    public struct MembershipChange: Sendable, Codable {
        public enum Kind: String, Sendable, Codable { case admit, remove }
        public let kind: Kind
        public let node: Int
        public let at: UInt64
    }

    public let seed: UInt64
    /// Founding data centers: nodes 0 ..< nodes.
    public let nodes: Int
    /// Nodes `nodes ..< nodes + spares` start outside the membership, following the chain, until admitted.
    public let spares: Int
    public let byzantine: [Int: ByzantineBehaviour]
    public let crashes: [Crash]
    public let partitions: [Partition]
    public let submissions: [Submission]
    public let membershipChanges: [MembershipChange]
    /// Transactions submitted when a new membership first takes over somewhere, so that every
    /// membership orders some.
    public let transactionsPerSwitch: Int
    /// Each node's clock minus true time, in ms (all nodes' clocks run at the same rate).
    public let clockOffsets: [Int]
    public let dropRate: Double
    public let duplicateRate: Double
    public let minDelay: UInt64
    public let maxDelay: UInt64
    /// Every fault is over (partitions healed, crashed nodes restarted) by this time.
    public let healedAt: UInt64
    /// Liveness must be reached by this time.
    public let deadline: UInt64
    public let brokenQuorum: Bool
    /// TEST ONLY: cores that sign and check messages without their membership.
    public let unboundMessages: Bool
    /// TEST ONLY: a deliberately broken shell, to show that a check can fail.
    public var sabotage: Sabotage? = nil

    public enum Sabotage: String, Sendable, Codable {
        /// Honest data centers tell their clients the index after the right one.
        case answerOneOff = "answer-one-off"
        /// Data centers never switch to a new membership (the old core stays, stuck at its last height).
        case neverSwitch = "never-switch"
    }

    /// This schedule with a broken shell.
    public func sabotaged(_ sabotage: Sabotage) -> Scenario {
        var scenario = self
        scenario.sabotage = sabotage
        return scenario
    }

    public var physicalNodes: Int { nodes + spares }

    /// The scenario the tests and `gridtrade sim` run for `seed`. At most f nodes are Byzantine,
    /// crashed or with a clock beyond the skew limit at once; partitions come on top (they may leave
    /// no quorum for a while: safety must hold regardless, liveness is judged after they heal).
    /// Faults start while transactions are still being submitted, and more are submitted after
    /// every fault has healed.
    public static func generate(seed: UInt64, nodes: Int) -> Scenario {
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(nodes))
        let f = (nodes - 1) / 3
        var byzantine: [Int: ByzantineBehaviour] = [:]
        let byzantineCount = random.chance(0.5) ? random.int(in: 1...f) : 0
        var candidates = random.shuffled(Array(0..<nodes))
        // The first primary is the most interesting liar: put it first half the time.
        if byzantineCount > 0, random.chance(0.5), let index = candidates.firstIndex(of: 0) { candidates.swapAt(0, index) }
        for node in candidates.prefix(byzantineCount) { byzantine[node] = random.element(of: ByzantineBehaviour.allCases) }
        // A node that splits new-views needs a view to lead: it takes seat 1 (primary of view 1) if that
        // one is honest, and the first primary is cut off for a while below, so that view 1 comes.
        if let splitter = byzantine.filter({ $0.value == .splitNewView }).keys.min(), splitter != 1, byzantine[1] == nil,
           let position = candidates.firstIndex(of: 1), let splitterPosition = candidates.firstIndex(of: splitter) {
            byzantine[splitter] = nil
            byzantine[1] = .splitNewView
            candidates.swapAt(position, splitterPosition)
        }
        let honest = Array(candidates.dropFirst(byzantineCount))

        // Submissions over 2 s; faults begin within the first 1.6 s, so while transactions are in flight.
        let submissionWindow: UInt64 = 2_000
        var crashes: [Crash] = []
        let crashCount = random.int(in: 0...(f - byzantineCount))
        for node in random.shuffled(honest).prefix(crashCount) where random.chance(0.7) {
            let at = random.time(in: 100...1_600)
            crashes.append(Crash(node: node, at: at, restartAt: at + random.time(in: 200...1_500)))
        }

        var partitions: [Partition] = []
        if byzantine[1] == .splitNewView, byzantine[0] == nil, random.chance(0.8) {
            let at = random.time(in: 100...1_200)
            partitions.append(Partition(side: [0], at: at, healAt: at + random.time(in: 500...1_200)))
        } else if random.chance(0.4) {
            let at = random.time(in: 100...1_600)
            let size = random.chance(0.3) ? nodes / 2 : random.int(in: 1...f)
            partitions.append(Partition(side: Array(random.shuffled(Array(0..<nodes)).prefix(size)).sorted(), at: at, healAt: at + random.time(in: 200...1_500)))
        }

        // A third of the runs admit a data center (node `nodes`), and half of those remove it again.
        var changes: [MembershipChange] = []
        if random.chance(0.33) {
            let at = random.time(in: 100...1_200)
            changes.append(MembershipChange(kind: .admit, node: nodes, at: at))
            if random.chance(0.5) { changes.append(MembershipChange(kind: .remove, node: nodes, at: at + random.time(in: 300...1_500))) }
        }

        // Half the runs skew every clock by up to ±450 ms (so any two differ by less than the
        // 1,000 ms a backup allows a primary); with room for one more fault, one honest clock is
        // sometimes off by more than that: its proposals are refused, and it refuses everyone's.
        var offsets = Array(repeating: 0, count: nodes + (changes.isEmpty ? 0 : 1))
        if random.chance(0.5) { offsets = offsets.map { _ in random.int(in: -450...450) } }
        let faults = byzantineCount + crashes.count
        if faults < f, random.chance(0.25), let node = honest.last, !crashes.contains(where: { $0.node == node }) {
            offsets[node] = (random.chance(0.5) ? 1 : -1) * random.int(in: 1_500...3_000)
        }

        let lastFault = (crashes.map(\.restartAt) + partitions.map(\.healAt)).max() ?? 0
        let healedAt = max(submissionWindow, lastFault)
        var submissions: [Submission] = []
        let clients = UInt64(random.int(in: 20...40))
        for client in 0..<clients {
            submissions.append(Submission(at: random.time(in: 0...submissionWindow), node: random.element(of: honest), client: client))
        }
        // And some after every fault has healed.
        for client in clients..<(clients + UInt64(random.int(in: 3...8))) {
            submissions.append(Submission(at: healedAt + random.time(in: 50...600), node: random.element(of: honest), client: client))
        }
        let dropRate = random.chance(0.3) ? 0 : random.unit() * 0.08
        let duplicateRate = random.unit() * 0.05
        let minDelay = random.time(in: 1...5)
        let maxDelay = minDelay + random.time(in: 2...30)
        return Scenario(
            seed: seed, nodes: nodes, spares: changes.isEmpty ? 0 : 1, byzantine: byzantine, crashes: crashes, partitions: partitions,
            submissions: submissions.sorted { $0.at < $1.at }, membershipChanges: changes, transactionsPerSwitch: changes.isEmpty ? 0 : 3,
            clockOffsets: offsets, dropRate: dropRate, duplicateRate: duplicateRate, minDelay: minDelay, maxDelay: maxDelay,
            healedAt: healedAt, deadline: healedAt + 30_000, brokenQuorum: false, unboundMessages: false
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
            seed: seed, nodes: nodes, spares: 0, byzantine: [0: .equivocate], crashes: [], partitions: [],
            submissions: submissions.sorted { $0.at < $1.at }, membershipChanges: [], transactionsPerSwitch: 0,
            clockOffsets: Array(repeating: 0, count: nodes), dropRate: 0.02, duplicateRate: 0.01,
            minDelay: 1, maxDelay: 10, healedAt: 1_500, deadline: 6_000, brokenQuorum: true, unboundMessages: false
        )
    }

    /// The adversarial schedule for the membership binding: dc1 replays. The first primary is down
    /// at the start, so the founders leave view 0 with view changes that carry nothing (no
    /// checkpoint yet, nothing prepared) and dc1 captures them; then node 4 is admitted and removed
    /// again, which brings back the founders' four seats, and dc1, primary of view 1 there, starts
    /// view 1 with the founders' captured view changes and proposes empty batches over what the
    /// new membership is ordering. With messages bound to their membership it is refused; without,
    /// honest nodes execute different blocks at one height.
    public static func staleMembership(seed: UInt64, unbound: Bool) -> Scenario {
        var random = SeededRandom(seed: seed ^ 0x57A1_E3E3)
        var submissions: [Submission] = []
        for client in 0..<UInt64(60) {
            submissions.append(Submission(at: random.time(in: 20...4_000), node: random.int(in: 2...3), client: client))
        }
        return Scenario(
            seed: seed, nodes: 4, spares: 1, byzantine: [1: .replay], crashes: [Crash(node: 0, at: 0, restartAt: 700)], partitions: [],
            submissions: submissions.sorted { $0.at < $1.at },
            membershipChanges: [MembershipChange(kind: .admit, node: 4, at: 800), MembershipChange(kind: .remove, node: 4, at: 1_200)],
            transactionsPerSwitch: 6, clockOffsets: Array(repeating: 0, count: 5), dropRate: 0, duplicateRate: 0,
            minDelay: 1, maxDelay: 12, healedAt: 4_000, deadline: 20_000, brokenQuorum: false, unboundMessages: unbound
        )
    }

    /// The same schedule with the real 2f+1 quorums.
    public var withCorrectQuorum: Scenario {
        Scenario(
            seed: seed, nodes: nodes, spares: spares, byzantine: byzantine, crashes: crashes, partitions: partitions, submissions: submissions,
            membershipChanges: membershipChanges, transactionsPerSwitch: transactionsPerSwitch, clockOffsets: clockOffsets,
            dropRate: dropRate, duplicateRate: duplicateRate, minDelay: minDelay, maxDelay: maxDelay, healedAt: healedAt,
            deadline: healedAt + 30_000, brokenQuorum: false, unboundMessages: unboundMessages, sabotage: sabotage
        )
    }

    /// How many of `seeds` draw each fault class (`faultClasses`).
    public static func faultMix(seeds: Range<UInt64>, nodes: Int) -> [String: Int] {
        var counts: [String: Int] = [:]
        for seed in seeds {
            for fault in Set(generate(seed: seed, nodes: nodes).faultClasses) { counts[fault, default: 0] += 1 }
        }
        return counts
    }

    /// The fault classes this run exercises, for the fault mix (`gridtrade sim --mix`).
    public var faultClasses: [String] {
        var classes: [String] = byzantine.values.map { "byzantine \($0.rawValue)" }
        if !crashes.isEmpty { classes.append("crash") }
        if !partitions.isEmpty { classes.append("partition") }
        let starts = crashes.map(\.at) + partitions.map(\.at)
        let lastBeforeHeal = submissions.filter { $0.at <= healedAt }.map(\.at).max() ?? 0
        if !starts.isEmpty {
            classes.append(starts.contains { $0 < lastBeforeHeal } ? "crash or partition while transactions are in flight" : "crash or partition after the last submission")
        }
        if submissions.contains(where: { $0.at > healedAt }) { classes.append("submissions after healing") }
        for change in membershipChanges { classes.append("membership \(change.kind.rawValue)") }
        if clockOffsets.contains(where: { $0 != 0 }) { classes.append("clock skew") }
        if clockOffsets.contains(where: { abs($0) > 1_000 }) { classes.append("clock beyond the skew limit") }
        if dropRate > 0 { classes.append("message loss") }
        return classes
    }

    public var summary: String {
        var parts: [String] = []
        for (node, behaviour) in byzantine.sorted(by: { $0.key < $1.key }) { parts.append("dc\(node) byzantine (\(behaviour.rawValue))") }
        for crash in crashes { parts.append("dc\(crash.node) crashes at \(crash.at) ms, restarts at \(crash.restartAt) ms") }
        for partition in partitions {
            parts.append("partition \(partition.side.map { "dc\($0)" }.joined(separator: ",")) from \(partition.at) to \(partition.healAt) ms")
        }
        for change in membershipChanges { parts.append("\(change.kind.rawValue) dc\(change.node) from \(change.at) ms") }
        if clockOffsets.contains(where: { $0 != 0 }) { parts.append("clocks " + clockOffsets.map { "\($0 >= 0 ? "+" : "")\($0)" }.joined(separator: "/") + " ms") }
        parts.append(String(format: "drop %.1f%%, duplicate %.1f%%", dropRate * 100, duplicateRate * 100) + ", delay \(minDelay)-\(maxDelay) ms")
        if brokenQuorum { parts.append("BROKEN quorum 2f") }
        if unboundMessages { parts.append("UNBOUND messages") }
        if let sabotage { parts.append("SABOTAGED shell (\(sabotage.rawValue))") }
        return parts.joined(separator: "; ")
    }
}
