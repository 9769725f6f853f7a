import Consensus
import Foundation

/// Runs a cluster of consensus cores on a seeded virtual network and checks safety, certificates and liveness.
public enum Simulator {
    /// The run the tests and `gridtrade sim --seed` share.
    public static func run(seed: UInt64, nodes: Int) -> SimulationReport {
        run(Scenario.generate(seed: seed, nodes: nodes))
    }

    public static func run(_ scenario: Scenario) -> SimulationReport {
        var simulation = Simulation(scenario: scenario)
        return simulation.run()
    }

    /// Small windows and short timers so a few seconds of virtual time exercise checkpoints,
    /// watermarks and view changes.
    public static func configuration(nodes: Int, brokenQuorum: Bool = false) -> Configuration {
        Configuration(
            replicaCount: nodes, checkpointInterval: 4, watermarkWindow: 8, maxBatchSize: 8, batchDelay: 20,
            viewChangeTimeout: 400, statusInterval: 100, maxClockSkew: 1_000, maxBlocksPerFetch: 8,
            unsafeQuorum: brokenQuorum ? 2 * ((nodes - 1) / 3) : nil
        )
    }
}

struct SimulatedNode {
    let id: ReplicaID
    var replica: Replica?
    /// What survives a crash: the persisted records (from the last snapshot on) and the stored chain.
    var records: [PersistedRecord] = []
    var store: [CommittedBlock] = []
    var committed: Set<TransactionID> = []
    let adversary: Adversary?

    var isUp: Bool { replica != nil }
    var isHonest: Bool { adversary == nil }
}

struct Simulation {
    enum Event {
        case deliver(to: Int, SignedMessage)
        case tick(Int)
        case submit(Int, Transaction)
        case crash(Int)
        case restart(Int)
        case partition(Set<Int>)
        case heal(Set<Int>)
    }

    static let tickInterval: UInt64 = 10

    let scenario: Scenario
    let configuration: Configuration
    let keys: SimulatedKeys
    var random: SeededRandom
    var nodes: [SimulatedNode] = []
    var queue = EventQueue<Event>()
    var now: UInt64 = 0
    var cuts: [Set<Int>] = []
    var live: Set<TransactionID> = []
    var decided: [UInt64: (hash: Hash256, node: Int)] = [:]
    var violations: [Violation] = []
    var sent = 0
    /// GRIDTRADE_SIM_TRACE=1 prints view changes as they happen (debugging a seed; no effect on the run).
    let trace = ProcessInfo.processInfo.environment["GRIDTRADE_SIM_TRACE"] == "1"
    var dropped = 0

    init(scenario: Scenario) {
        self.scenario = scenario
        configuration = Simulator.configuration(nodes: scenario.nodes, brokenQuorum: scenario.brokenQuorum)
        keys = SimulatedKeys(seed: scenario.seed, nodes: scenario.nodes)
        random = SeededRandom(seed: scenario.seed ^ 0x5EED_0F_AB1E)
        for index in 0..<scenario.nodes {
            let id = ReplicaID(index)
            let adversary = scenario.byzantine[index].map { Adversary(behaviour: $0, id: id, signer: keys.signer(for: id), configuration: configuration) }
            nodes.append(SimulatedNode(id: id, replica: makeReplica(id), adversary: adversary))
        }
    }

    func makeReplica(_ id: ReplicaID, records: [PersistedRecord] = [], store: [CommittedBlock] = []) -> Replica {
        Replica(
            configuration: configuration, id: id, signer: keys.signer(for: id), verifier: keys.verifier,
            transactionVerifier: SimulatedTransactionVerifier(), restoring: records, committedBlocks: store
        )
    }

    mutating func run() -> SimulationReport {
        for index in nodes.indices { queue.push(.tick(index), at: random.time(in: 0...(Self.tickInterval - 1))) }
        for submission in scenario.submissions {
            var payload = Data("sim-\(scenario.seed)-".utf8)
            withUnsafeBytes(of: submission.client.bigEndian) { payload.append(contentsOf: $0) }
            queue.push(.submit(submission.node, SimulatedTransactionVerifier.transaction(client: submission.client, payload: payload)), at: submission.at)
        }
        for crash in scenario.crashes {
            queue.push(.crash(crash.node), at: crash.at)
            queue.push(.restart(crash.node), at: crash.restartAt)
        }
        for partition in scenario.partitions {
            queue.push(.partition(Set(partition.side)), at: partition.at)
            queue.push(.heal(Set(partition.side)), at: partition.healAt)
        }
        let lastSubmission = scenario.submissions.map(\.at).max() ?? 0
        var nextCheck = max(scenario.healedAt, lastSubmission)
        while let (time, event) = queue.pop(), time <= scenario.deadline {
            now = time
            handle(event)
            if now >= nextCheck {
                if livenessReached { break }
                nextCheck = now + 50
            }
        }
        check()
        return SimulationReport(
            seed: scenario.seed, nodes: scenario.nodes, scenario: scenario.summary, violations: violations,
            virtualTime: now, messagesSent: sent, messagesDropped: dropped, transactionsSubmitted: live.count,
            heights: nodes.map { UInt64($0.store.count) },
            highestView: nodes.filter(\.isHonest).compactMap { $0.replica?.view }.max() ?? 0,
            finalStates: nodes.map { $0.replica.map(String.init(describing:)) ?? "\($0.id) down" }
        )
    }

    var livenessReached: Bool {
        nodes.allSatisfy { !$0.isHonest || ($0.isUp && live.isSubset(of: $0.committed)) }
    }

    mutating func handle(_ event: Event) {
        switch event {
        case .tick(let index):
            queue.push(.tick(index), at: now + Self.tickInterval)
            input(.tick(nowMilliseconds: now), to: index)
            if let adversary = nodes[index].adversary, let replica = nodes[index].replica {
                for emission in adversary.junk(view: replica.view, height: replica.certifiedHeight, random: &random) { transmit(emission, from: index) }
            }
        case .deliver(let index, let message):
            guard nodes[index].isUp else { return }
            input(.message(message), to: index)
            // Colluding Byzantine nodes do not answer each other (two yes-men would echo forever).
            if let adversary = nodes[index].adversary, nodes.indices.contains(message.sender.index), nodes[message.sender.index].isHonest {
                for emission in adversary.react(to: message) { transmit(emission, from: index) }
            }
        case .submit(let index, let transaction):
            // A client whose data center is down goes to another honest one that is up.
            let target = nodes[index].isUp ? index : nodes.indices.first { nodes[$0].isUp && nodes[$0].isHonest }
            guard let target else { return }
            live.insert(transaction.id)
            input(.submit(transaction), to: target)
        case .crash(let index):
            nodes[index].replica = nil
        case .restart(let index):
            nodes[index].replica = makeReplica(nodes[index].id, records: nodes[index].records, store: nodes[index].store)
        case .partition(let side):
            cuts.append(side)
        case .heal(let side):
            if let position = cuts.firstIndex(of: side) { cuts.remove(at: position) }
        }
    }

    mutating func input(_ input: Input, to index: Int) {
        guard var replica = nodes[index].replica else { return }
        let actions = replica.handle(input)
        nodes[index].replica = replica
        carryOut(actions, at: index)
    }

    /// The shell's job: persist, store, load, and put messages on the (faulty) wire.
    mutating func carryOut(_ actions: [Action], at index: Int) {
        var emissions: [Emission] = []
        if let adversary = nodes[index].adversary {
            emissions = adversary.outgoing(actions, random: &random)
        }
        for action in actions {
            switch action {
            case .send(let to, let message):
                if nodes[index].isHonest { emissions.append(Emission(to: to, message: message)) }
            case .broadcast(let message):
                if nodes[index].isHonest { emissions.append(Emission(to: nil, message: message)) }
            case .persist(let record):
                if case .snapshot = record { nodes[index].records = [record] } else { nodes[index].records.append(record) }
            case .committed(let block):
                store(block, at: index)
            case .loadBlocks(let peer, let range):
                let blocks = nodes[index].store.filter { $0.height >= range.from && $0.height <= range.through }
                input(.blocksLoaded(for: peer, blocks), to: index)
            case .viewChanged(let view, let primary, let active):
                if trace { print("\(now) dc\(index) view \(view) primary \(primary) active \(active) | \(nodes[index].replica.map(String.init(describing:)) ?? "")") }
            case .transactionCommitted, .transactionRejected:
                continue
            }
        }
        for emission in emissions { transmit(emission, from: index) }
    }

    mutating func store(_ block: CommittedBlock, at index: Int) {
        let expected = UInt64(nodes[index].store.count) + 1
        guard block.height == expected else {
            violations.append(Violation(property: .order, detail: "dc\(index) committed height \(block.height) when \(expected) was next"))
            return
        }
        nodes[index].store.append(block)
        for transaction in block.block.transactions { nodes[index].committed.insert(transaction.id) }
        guard nodes[index].isHonest else { return }
        let hash = block.certificate.headerHash
        if let known = decided[block.height] {
            if known.hash != hash {
                violations.append(Violation(property: .safety, detail: "height \(block.height): dc\(known.node) committed \(known.hash), dc\(index) committed \(hash)"))
            }
        } else {
            decided[block.height] = (hash, index)
        }
    }

    mutating func transmit(_ emission: Emission, from index: Int) {
        guard nodes[index].isUp else { return }
        let recipients = emission.to.map { [$0.index] } ?? nodes.indices.filter { $0 != index }
        for recipient in recipients where recipient != index && recipient >= 0 && recipient < nodes.count {
            sent += 1
            if cuts.contains(where: { $0.contains(index) != $0.contains(recipient) }) || random.chance(scenario.dropRate) {
                dropped += 1
                continue
            }
            let copies = random.chance(scenario.duplicateRate) ? 2 : 1
            for _ in 0..<copies {
                queue.push(.deliver(to: recipient, emission.message), at: now + random.time(in: scenario.minDelay...scenario.maxDelay) + emission.extraDelay)
            }
        }
    }

    mutating func check() {
        for node in nodes where node.isHonest {
            if case .failure(let defect) = ChainVerifier.verify(blocks: node.store, verifier: keys.verifier, transactionVerifier: SimulatedTransactionVerifier()) {
                violations.append(Violation(property: .certificate, detail: "dc\(node.id.index)'s chain: \(defect)"))
            }
        }
        guard !livenessReached else { return }
        let missing = nodes.filter(\.isHonest).map { node in
            node.isUp ? "dc\(node.id.index) lacks \(live.subtracting(node.committed).count) (height \(node.store.count), view \(node.replica?.view ?? 0)\(node.replica?.viewActive == false ? " changing" : ""))" : "dc\(node.id.index) down"
        }
        violations.append(Violation(property: .liveness, detail: "of \(live.count) transactions by \(now) ms: " + missing.joined(separator: ", ")))
    }
}
