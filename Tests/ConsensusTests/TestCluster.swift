@testable import Consensus
import ConsensusSimulator
import Foundation

/// A hand-driven cluster for unit tests: FIFO delivery, explicit ticks, and hooks to cut or rewrite links.
struct TestCluster {
    static let start: UInt64 = 1_700_000_000_000

    let configuration: Configuration
    let keys: SimulatedKeys
    var replicas: [Replica?]
    var stores: [[CommittedBlock]]
    var records: [[PersistedRecord]]
    var actions: [[Action]]
    var inFlight: [(from: Int, to: Int, message: SignedMessage)] = []
    var now = start
    /// Nodes whose messages, both ways, are dropped.
    var isolated: Set<Int> = []
    /// Rewrites (or drops, returning nil) a message on the link from -> to.
    var rewrite: ((Int, Int, SignedMessage) -> SignedMessage?)?

    static func configuration(nodes: Int = 4) -> Configuration {
        Configuration(
            replicaCount: nodes, checkpointInterval: 4, watermarkWindow: 8, maxBatchSize: 4, batchDelay: 0,
            viewChangeTimeout: 200, statusInterval: 50, maxClockSkew: 1_000, maxBlocksPerFetch: 4
        )
    }

    init(nodes: Int = 4, configuration: Configuration? = nil) {
        let configuration = configuration ?? Self.configuration(nodes: nodes)
        self.configuration = configuration
        keys = SimulatedKeys(seed: 7, nodes: nodes)
        replicas = []
        stores = Array(repeating: [], count: nodes)
        records = Array(repeating: [], count: nodes)
        actions = Array(repeating: [], count: nodes)
        for index in 0..<nodes { replicas.append(makeReplica(index)) }
    }

    func makeReplica(_ index: Int) -> Replica {
        Replica(
            configuration: configuration, id: ReplicaID(index), signer: keys.signer(for: ReplicaID(index)), verifier: keys.verifier,
            transactionVerifier: SimulatedTransactionVerifier(), restoring: records[index], committedBlocks: stores[index]
        )
    }

    var nodes: Range<Int> { 0..<replicas.count }

    func signer(_ index: Int) -> KeyedHashSigner { keys.signer(for: ReplicaID(index)) }

    static func transaction(_ number: UInt64) -> Transaction {
        SimulatedTransactionVerifier.transaction(client: number, payload: Data("payment \(number)".utf8))
    }

    /// Feeds one input and carries out the actions like a shell would. Returns the actions.
    @discardableResult
    mutating func handle(_ input: Input, at index: Int) -> [Action] {
        guard var replica = replicas[index] else { return [] }
        let produced = replica.handle(input)
        replicas[index] = replica
        actions[index] += produced
        for action in produced {
            switch action {
            case .send(let to, let message): enqueue(message, from: index, to: to.index)
            case .broadcast(let message): for peer in nodes where peer != index { enqueue(message, from: index, to: peer) }
            case .persist(let record):
                if case .snapshot = record { records[index] = [record] } else { records[index].append(record) }
            case .committed(let block): stores[index].append(block)
            case .loadBlocks(let peer, let range):
                handle(.blocksLoaded(for: peer, stores[index].filter { $0.height >= range.from && $0.height <= range.through }), at: index)
            default: continue
            }
        }
        return produced
    }

    mutating func enqueue(_ message: SignedMessage, from: Int, to: Int) {
        inFlight.append((from, to, message))
    }

    /// Delivers until nothing is in flight.
    mutating func deliverAll() {
        var delivered = 0
        while !inFlight.isEmpty, delivered < 200_000 {
            let (from, to, message) = inFlight.removeFirst()
            delivered += 1
            guard !isolated.contains(from), !isolated.contains(to) else { continue }
            guard let message = rewrite.map({ $0(from, to, message) }) ?? message else { continue }
            handle(.message(message), at: to)
        }
    }

    mutating func tick(_ index: Int) { handle(.tick(nowMilliseconds: now), at: index) }

    /// Advances the clock in steps, ticking every running node and delivering everything after each step.
    mutating func run(for duration: UInt64, step: UInt64 = 10) {
        let end = now + duration
        while now < end {
            now += step
            for index in nodes where replicas[index] != nil { tick(index) }
            deliverAll()
        }
    }

    mutating func submit(_ transaction: Transaction, to index: Int) {
        handle(.submit(transaction), at: index)
        deliverAll()
    }

    func committedHashes(_ index: Int) -> [Hash256] { stores[index].map(\.certificate.headerHash) }

    func messages(from index: Int) -> [SignedMessage] {
        actions[index].compactMap {
            switch $0 {
            case .send(_, let message), .broadcast(let message): message
            default: nil
            }
        }
    }
}
