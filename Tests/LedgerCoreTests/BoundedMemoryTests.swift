@testable import Consensus
import Foundation
import Testing

/// Issue 13, item 6: what a consensus core keeps per transaction stays bounded however long the
/// ledger runs.
@Suite("A core's memory is bounded: a window of executed ids, and the primary's proposed set")
struct BoundedMemoryTests {
    @Test("after 1,200 blocks a core remembers the ids of a recent window of them, not of all")
    func executedWindow() {
        var cluster = CheapCluster()
        let total = 1_200
        for number in 0..<total {
            cluster.submit(CheapCluster.transaction(number), to: number % 4)
            cluster.run(for: 20)
        }
        cluster.run(for: 500)
        #expect(cluster.replicas.allSatisfy { $0.executedHeight >= UInt64(total) }, "heights \(cluster.replicas.map(\.executedHeight))")
        for replica in cluster.replicas {
            #expect(replica.executedTransactions.count < total / 2, "\(replica.id) remembers \(replica.executedTransactions.count) executed ids")
        }
    }

    @Test("without a view change the primary's set of proposed ids holds only what is still in flight")
    func proposedBounded() {
        var cluster = CheapCluster()
        for number in 0..<600 {
            cluster.submit(CheapCluster.transaction(number), to: 0)
            cluster.run(for: 20)
        }
        cluster.run(for: 500)
        #expect(cluster.replicas[0].view == 0 && cluster.replicas[0].isPrimary)
        for replica in cluster.replicas {
            #expect(replica.proposed.count <= replica.pending.count + cluster.configuration.maxBatchSize, "\(replica.id) keeps \(replica.proposed.count) proposed ids")
        }
    }

    @Test("a faulty data center's view changes for 500 future views are not all kept, and its highest still counts")
    func farViewChanges() {
        var cluster = CheapCluster()
        cluster.run(for: 50)
        let bound = Replica.maxViewChangesKept(for: cluster.configuration)
        for target in UInt64(1)...500 { cluster.handle(.message(cluster.viewChange(to: target, from: 3)), at: 0) }
        #expect(cluster.replicas[0].view == 0, "one sender alone moves no one")
        #expect(cluster.replicas[0].footprint.viewChanges <= bound, "keeps \(cluster.replicas[0].footprint.viewChanges) view changes, bound \(bound)")
        // f+1 senders wanting view 500 pull the replica there: the faulty sender's highest was kept.
        // (With its own, that is a quorum, and it is view 500's primary: it installs the view at once.)
        cluster.handle(.message(cluster.viewChange(to: 500, from: 2)), at: 0)
        #expect(cluster.replicas[0].view == 500)
        #expect(cluster.replicas[0].footprint.viewChanges <= bound)
    }

    @Test("a data center left in an earlier view is sent the new-view at most once per half timeout, not with every status")
    func newViewResend() {
        var cluster = CheapCluster()
        cluster.run(for: 50)
        cluster.down = [0]
        cluster.submit(CheapCluster.transaction(1), to: 1)
        cluster.run(for: 6_000)
        #expect(cluster.replicas[1].view >= 1 && cluster.replicas[1].viewActive, "\(cluster.replicas[1])")
        // Replica 0 comes back in view 0 and sends a status every 100 ms for 2 s.
        var replica = cluster.replicas[1]
        var newViews = 0
        var now = cluster.now
        for _ in 0..<20 {
            now += 100
            let status = SignedMessage.signed(
                .status(Status(view: 0, viewActive: true, executedHeight: 0, certifiedHeight: 0)), by: ReplicaID(0),
                with: CheapCluster.IndexSigner(index: 0), domain: cluster.configuration.signingDomain
            )
            for input in [Input.tick(nowMilliseconds: now), .message(status)] {
                for case let .send(to, message) in replica.handle(input) where to == ReplicaID(0) {
                    if case .newView = message.message { newViews += 1 }
                }
            }
        }
        // Half a view-change timeout (500 ms here): 4 or 5 in 2 s, not 20.
        #expect(newViews >= 1 && newViews <= 5, "\(newViews) new-views sent")
    }

    @Test("through 12 view changes and 600 blocks every collection of every core stays within its window")
    func boundedThroughViewChanges() {
        var cluster = CheapCluster()
        let configuration = cluster.configuration
        var number = 0
        var worst = ReplicaFootprint()
        for round in 0..<12 {
            // Normal operation for a while, then the primary of the view falls silent until a new view is in place.
            for _ in 0..<50 {
                cluster.submit(CheapCluster.transaction(number), to: number % 4)
                number += 1
                cluster.run(for: 20)
            }
            let primary = cluster.replicas.map(\.view).max().map { Int($0 % 4) } ?? 0
            cluster.down = [primary]
            for _ in 0..<10 {
                cluster.submit(CheapCluster.transaction(number), to: (primary + 1) % 4)
                number += 1
                cluster.run(for: 400)
            }
            cluster.down = []
            cluster.run(for: 3_000)
            for replica in cluster.replicas {
                let footprint = replica.footprint
                #expect(footprint.logEntries <= Int(configuration.watermarkWindow), "round \(round) \(replica.id): \(footprint)")
                #expect(footprint.viewChanges <= Replica.maxViewChangesKept(for: configuration), "round \(round) \(replica.id): \(footprint)")
                #expect(footprint.executedHeights <= Int(Replica.executedWindow(for: configuration)), "round \(round) \(replica.id): \(footprint)")
                #expect(footprint.uncertified <= 2 * Int(configuration.watermarkWindow), "round \(round) \(replica.id): \(footprint)")
                #expect(footprint.headerVotes <= (configuration.replicaCount + 1) * Int(configuration.watermarkWindow), "round \(round) \(replica.id): \(footprint)")
                #expect(footprint.proposed <= footprint.pending + configuration.maxBatchSize, "round \(round) \(replica.id): \(footprint)")
                worst.viewChanges = max(worst.viewChanges, footprint.viewChanges)
            }
        }
        cluster.run(for: 5_000)
        #expect(cluster.replicas.allSatisfy { $0.view >= 12 }, "views \(cluster.replicas.map(\.view))")
        #expect(cluster.replicas.allSatisfy { $0.executedHeight == cluster.replicas[0].executedHeight && $0.pending.isEmpty },
                "\(cluster.replicas.map(\.description))")
    }
}

/// Four cores that sign with their index (no cryptography: these tests count memory, not forgeries),
/// on a FIFO network in virtual time.
struct CheapCluster {
    struct IndexSigner: MessageSigner {
        let index: Int
        func sign(_ bytes: Data) -> Data { Data([UInt8(index)]) }
    }

    struct IndexVerifier: SignatureVerifier {
        let replicaCount: Int
        func isValid(signature: Data, of bytes: Data, by replica: ReplicaID) -> Bool { signature == Data([UInt8(replica.index)]) }
    }

    struct AnyTransaction: TransactionVerifier {
        func problem(_ transaction: Transaction) -> TransactionRejection? { nil }
    }

    let configuration = Configuration(replicaCount: 4, batchDelay: 5, viewChangeTimeout: 1_000, statusInterval: 100)
    var replicas: [Replica]
    var stores: [[CommittedBlock]] = Array(repeating: [], count: 4)
    private var inFlight: [(to: Int, message: SignedMessage)] = []
    var now: UInt64 = 1_800_000_000_000
    /// Replicas that neither tick nor send nor receive: a stopped process.
    var down: Set<Int> = []

    init() {
        let configuration = self.configuration
        replicas = (0..<4).map { index in
            Replica(
                configuration: configuration, id: ReplicaID(index), signer: IndexSigner(index: index), verifier: IndexVerifier(replicaCount: 4),
                transactionVerifier: AnyTransaction()
            )
        }
    }

    static func transaction(_ number: Int) -> Transaction {
        Transaction(payload: Data("transaction \(number)".utf8), submitter: Data([1]), signature: Data())
    }

    mutating func handle(_ input: Input, at index: Int) {
        guard !down.contains(index) else { return }
        for action in replicas[index].handle(input) {
            switch action {
            case let .send(to, message): inFlight.append((to.index, message))
            case let .broadcast(message): for peer in replicas.indices where peer != index { inFlight.append((peer, message)) }
            case let .committed(block): stores[index].append(block)
            case let .loadBlocks(peer, range):
                handle(.blocksLoaded(for: peer, stores[index].filter { $0.height >= range.from && $0.height <= range.through }), at: index)
            default: continue
            }
        }
    }

    mutating func deliverAll() {
        while !inFlight.isEmpty {
            let (to, message) = inFlight.removeFirst()
            handle(.message(message), at: to)
        }
    }

    mutating func run(for duration: UInt64) {
        let end = now + duration
        while now < end {
            now += 10
            for index in replicas.indices { handle(.tick(nowMilliseconds: now), at: index) }
            deliverAll()
        }
    }

    mutating func submit(_ transaction: Transaction, to index: Int) {
        handle(.submit(transaction), at: index)
        deliverAll()
    }

    /// A view change for `target` with no checkpoint and nothing prepared, signed as `sender` would.
    func viewChange(to target: UInt64, from sender: Int) -> SignedMessage {
        SignedMessage.signed(
            .viewChange(ViewChange(newView: target, checkpoint: nil, prepared: [])), by: ReplicaID(sender), with: IndexSigner(index: sender),
            domain: configuration.signingDomain
        )
    }
}
