import Consensus
import Foundation

/// Runs a cluster of consensus cores on a seeded virtual network and checks safety, agreement,
/// certificates, client answers and liveness, across membership switches.
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
    /// watermarks and view changes. A membership's own size and base height are set per membership.
    public static func configuration(nodes: Int, brokenQuorum: Bool = false, unboundMessages: Bool = false) -> Configuration {
        Configuration(
            replicaCount: nodes, checkpointInterval: 4, watermarkWindow: 8, maxBatchSize: 8, batchDelay: 20,
            viewChangeTimeout: 400, statusInterval: 100, maxClockSkew: 1_000, maxBlocksPerFetch: 8,
            unsafeQuorum: brokenQuorum ? 2 * ((nodes - 1) / 3) : nil, unsafeUnboundMessages: unboundMessages
        )
    }
}

/// One data center of the simulation, by its physical number (its seat changes with the membership).
struct SimulatedNode {
    let id: Int
    var up = true
    /// Nil while down, or while it holds no seat (it then follows the chain by downloading it).
    var replica: Replica?
    /// What survives a crash: the persisted records (from the last snapshot on), the base height of
    /// the membership they belong to (the ledger's `membership_base`), and the stored chain.
    var records: [PersistedRecord] = []
    var loggedBase: UInt64 = 0
    var store: [CommittedBlock] = []
    /// The stored chain's rules, so its memberships (the ledger shell's book).
    var chain: SimulatedRules
    /// The membership its core runs, or whose chain it follows without a seat.
    var membership: SimulatedMembership
    var committed: Set<TransactionID> = []
    var adversary: Adversary?
    /// The stored height `switchIfDue` last looked at (only a new block can make a switch due).
    var switchCheckedAt: Int?

    /// Stored, not derived from `adversary`: read on every message, and a computed property of an
    /// array element copies the whole node in a debug build.
    let isHonest: Bool
    var seat: Int? { membership.seats.firstIndex(of: id) }
    var isOrdering: Bool { up && replica != nil }
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
        /// A node without a seat downloads the chain (every `followInterval`).
        case follow(Int)
        /// The scenario's membership change with this index is due.
        case change(Int)
    }

    static let tickInterval: UInt64 = 10
    static let followInterval: UInt64 = 500
    /// Clocks read true time plus this plus the node's offset, so no offset makes them negative.
    static let clockBase: UInt64 = 1_000_000

    let scenario: Scenario
    let template: Configuration
    let founders: SimulatedMembership
    let keys: SimulatedKeys
    var random: SeededRandom
    var nodes: [SimulatedNode] = []
    var queue = EventQueue<Event>()
    var now: UInt64 = 0
    var cuts: [Set<Int>] = []
    var live: Set<TransactionID> = []
    /// Certified header hash per height, as the first honest node stored it.
    var decided: [UInt64: (hash: Hash256, node: Int)] = [:]
    /// Executed header hash per height, as the first honest node signed it.
    var executed: [UInt64: (hash: Hash256, node: Int)] = [:]
    /// Each answer an honest node gave a client: where the transaction is.
    var acknowledged: [TransactionID: (location: TransactionLocation, node: Int)] = [:]
    var violations: [Violation] = []
    var sent = 0
    var dropped = 0
    var changesSubmitted = 0
    /// Base heights of memberships some honest node switched to.
    var switchedTo: Set<UInt64> = []
    var nextClient: UInt64 = 1_000_000
    /// GRIDTRADE_SIM_TRACE=1 prints view changes and switches as they happen (debugging a seed; no effect on the run).
    let trace = ProcessInfo.processInfo.environment["GRIDTRADE_SIM_TRACE"] == "1"

    init(scenario: Scenario) {
        self.scenario = scenario
        template = Simulator.configuration(nodes: scenario.nodes, brokenQuorum: scenario.brokenQuorum, unboundMessages: scenario.unboundMessages)
        founders = SimulatedMembership(after: 0, seats: Array(0..<scenario.nodes))
        keys = SimulatedKeys(seed: scenario.seed, nodes: scenario.physicalNodes)
        random = SeededRandom(seed: scenario.seed ^ 0x5EED_0F_AB1E)
        for node in 0..<scenario.physicalNodes {
            let adversary = scenario.byzantine[node].map {
                Adversary(behaviour: $0, id: ReplicaID(founders.seats.firstIndex(of: node) ?? 0), signer: keys.signer(node: node), configuration: configuration(for: founders))
            }
            nodes.append(SimulatedNode(
                id: node, chain: SimulatedRules(configuration: template, founders: founders.seats), membership: founders,
                adversary: adversary, isHonest: adversary == nil
            ))
            if nodes[node].seat != nil { nodes[node].replica = makeReplica(node) }
        }
    }

    func configuration(for membership: SimulatedMembership) -> Configuration {
        var configuration = template
        configuration.replicaCount = membership.seats.count
        configuration.baseHeight = membership.after
        configuration.unsafeQuorum = scenario.brokenQuorum ? 2 * ((membership.seats.count - 1) / 3) : nil
        return configuration
    }

    /// A core for the node's membership, restored from its records and stored chain.
    func makeReplica(_ index: Int) -> Replica? {
        let node = nodes[index]
        guard let seat = node.seat else { return nil }
        return Replica(
            configuration: configuration(for: node.membership), id: ReplicaID(seat), signer: keys.signer(node: index),
            verifier: keys.verifier(seats: node.membership.seats), transactionVerifier: SimulatedTransactionVerifier(),
            rules: SimulatedRules(configuration: template, founders: founders.seats), restoring: node.records, committedBlocks: node.store
        )
    }

    func clock(_ index: Int) -> UInt64 {
        let offset = scenario.clockOffsets.indices.contains(index) ? scenario.clockOffsets[index] : 0
        return UInt64(Int(Self.clockBase) + Int(now) + offset)
    }

    mutating func run() -> SimulationReport {
        for index in nodes.indices {
            queue.push(.tick(index), at: random.time(in: 0...(Self.tickInterval - 1)))
            if nodes[index].seat == nil { queue.push(.follow(index), at: random.time(in: 0...Self.followInterval)) }
        }
        for submission in scenario.submissions {
            queue.push(.submit(submission.node, transaction(client: submission.client)), at: submission.at)
        }
        for crash in scenario.crashes {
            queue.push(.crash(crash.node), at: crash.at)
            queue.push(.restart(crash.node), at: crash.restartAt)
        }
        for partition in scenario.partitions {
            queue.push(.partition(Set(partition.side)), at: partition.at)
            queue.push(.heal(Set(partition.side)), at: partition.healAt)
        }
        for (position, change) in scenario.membershipChanges.enumerated() { queue.push(.change(position), at: change.at) }
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
            memberships: switchedTo.count + 1,
            stranded: nodes.filter { $0.isHonest && isStranded($0, clusterMemberships) }.map(\.id),
            adversaryActions: nodes.compactMap(\.adversary).reduce(into: [:]) { total, adversary in total.merge(adversary.counts, uniquingKeysWith: +) },
            finalStates: nodes.map { node in
                guard node.up else { return "dc\(node.id) down" }
                return node.replica.map { "dc\(node.id) seat \($0.id.index) of \(node.membership.seats.count) after \(node.membership.after): \($0)" }
                    ?? "dc\(node.id) follows the chain at height \(node.store.count)"
            }
        )
    }

    func transaction(client: UInt64) -> Transaction {
        var payload = Data("sim-\(scenario.seed)-".utf8)
        withUnsafeBytes(of: client.bigEndian) { payload.append(contentsOf: $0) }
        return SimulatedTransactionVerifier.transaction(client: client, payload: payload)
    }

    var livenessReached: Bool {
        let memberships = clusterMemberships
        return changesSubmitted == scenario.membershipChanges.count
            && nodes.allSatisfy { !$0.isHonest || isStranded($0, memberships) || ($0.up && live.isSubset(of: $0.committed) && isSettled($0)) }
    }

    /// The memberships the longest honest chain records.
    var clusterMemberships: [SimulatedMembership] {
        nodes.filter(\.isHonest).max { $0.store.count < $1.store.count }?.chain.memberships ?? [founders]
    }

    /// Stranded by the limitation docs/protocol.md states under "The membership switch": a node whose
    /// core runs a membership that ended below the cluster's tip before it stored the last block,
    /// and whose seat the next membership dropped or moved, can reach nobody who switched (they
    /// check its messages against another key, or none) and, holding a seat, does not download.
    /// Liveness is not required of it; the run counts it (`SimulationReport.stranded`).
    func isStranded(_ node: SimulatedNode, _ memberships: [SimulatedMembership]) -> Bool {
        guard node.up, node.replica != nil, let seat = node.seat,
              let next = memberships.first(where: { $0.after > node.membership.after }) else { return false }
        return UInt64(node.store.count) < next.after && next.seats.firstIndex(of: node.id) != seat
    }

    /// Its chain has passed every scheduled change and it runs (or follows) the membership after it.
    func isSettled(_ node: SimulatedNode) -> Bool {
        let height = UInt64(node.store.count)
        return node.chain.pending(at: height + 1) == nil && node.membership == node.chain.membership(ordering: height + 1)
    }

    mutating func handle(_ event: Event) {
        switch event {
        case .tick(let index):
            queue.push(.tick(index), at: now + Self.tickInterval)
            guard nodes[index].up else { return }
            input(.tick(nowMilliseconds: clock(index)), to: index)
            if var adversary = nodes[index].adversary, let replica = nodes[index].replica {
                let context = AdversaryContext(view: replica.view, certifiedHeight: replica.certifiedHeight, clock: clock(index))
                let emissions = adversary.junk(context: context, random: &random)
                nodes[index].adversary = adversary
                for emission in emissions { transmit(emission, from: index) }
            }
        case .deliver(let index, let message):
            guard nodes[index].isOrdering else { return }
            input(.message(message), to: index)
            // Colluding Byzantine nodes do not answer each other (two yes-men would echo forever).
            let seats = nodes[index].membership.seats
            if var adversary = nodes[index].adversary, let replica = nodes[index].replica,
               seats.indices.contains(message.sender.index), nodes[seats[message.sender.index]].isHonest {
                let context = AdversaryContext(view: replica.view, certifiedHeight: replica.certifiedHeight, clock: clock(index))
                let emissions = adversary.react(to: message, context: context)
                nodes[index].adversary = adversary
                for emission in emissions { transmit(emission, from: index) }
            }
        case .submit(let index, let transaction):
            // A client whose data center is down, or holds no seat (it answers "submit to another"),
            // goes to another honest one that orders.
            let target = nodes[index].isOrdering ? index : nodes.indices.first { nodes[$0].isOrdering && nodes[$0].isHonest }
            guard let target else { return }
            live.insert(transaction.id)
            input(.submit(transaction), to: target)
            switchIfDue(target)
            return
        case .crash(let index):
            nodes[index].up = false
            nodes[index].replica = nil
        case .restart(let index):
            restart(index)
        case .partition(let side):
            cuts.append(side)
        case .heal(let side):
            if let position = cuts.firstIndex(of: side) { cuts.remove(at: position) }
        case .follow(let index):
            follow(index)
        case .change(let position):
            submitChange(position)
        }
        switch event {
        case .tick(let index), .deliver(let index, _): switchIfDue(index)
        default: break
        }
    }

    mutating func input(_ input: Input, to index: Int) {
        guard var replica = nodes[index].replica else { return }
        let actions = replica.handle(input)
        nodes[index].replica = replica
        carryOut(actions, at: index)
    }

    /// The shell's job: persist, store, load, answer clients, and put messages on the (faulty) wire.
    mutating func carryOut(_ actions: [Action], at index: Int) {
        var emissions: [Emission] = []
        if var adversary = nodes[index].adversary {
            emissions = adversary.outgoing(actions, random: &random)
            nodes[index].adversary = adversary
        }
        let honest = nodes[index].isHonest
        for action in actions {
            switch action {
            case .send(let to, let message):
                guard honest else { continue }
                observe(message, from: index)
                emissions.append(Emission(to: to, message: message))
            case .broadcast(let message):
                guard honest else { continue }
                observe(message, from: index)
                emissions.append(Emission(to: nil, message: message))
            case .persist(let record):
                if case .snapshot = record { nodes[index].records = [record] } else { nodes[index].records.append(record) }
            case .committed(let block):
                store(block, at: index)
            case .loadBlocks(let peer, let range):
                let blocks = nodes[index].store.filter { $0.height >= range.from && $0.height <= range.through }
                input(.blocksLoaded(for: peer, blocks), to: index)
            case .viewChanged(let view, let primary, let active):
                if trace { print("\(now) dc\(index) view \(view) primary \(primary) active \(active) | \(nodes[index].replica.map(String.init(describing:)) ?? "")") }
            case .transactionCommitted(let id, let location):
                let answer = scenario.sabotage == .answerOneOff ? TransactionLocation(height: location.height, index: location.index + 1) : location
                if honest { acknowledge(id, at: answer, by: index) }
            case .transactionRejected(let id, _):
                // Refused at execution (a membership change that cannot be made): answered, never ordered.
                live.remove(id)
            }
        }
        for emission in emissions { transmit(emission, from: index) }
    }

    /// Puts a message on the wire to seats of the sender's membership (a node still in an earlier
    /// membership reaches that membership's nodes, as the ledger's links do).
    mutating func transmit(_ emission: Emission, from index: Int) {
        guard nodes[index].up else { return }
        let seats = nodes[index].membership.seats
        let recipients = emission.to.map { seats.indices.contains($0.index) ? [seats[$0.index]] : [] } ?? seats
        for recipient in recipients where recipient != index {
            sent += 1
            if isCut(index, recipient) || random.chance(scenario.dropRate) {
                dropped += 1
                continue
            }
            let copies = random.chance(scenario.duplicateRate) ? 2 : 1
            for _ in 0..<copies {
                queue.push(.deliver(to: recipient, emission.message), at: now + random.time(in: scenario.minDelay...scenario.maxDelay) + emission.extraDelay)
            }
        }
    }

    func isCut(_ a: Int, _ b: Int) -> Bool { cuts.contains { $0.contains(a) != $0.contains(b) } }
}
