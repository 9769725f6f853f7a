@testable import Consensus
import ConsensusSimulator
import Foundation
import Testing

@Suite("Checkpoints, state transfer, restart")
struct RecoveryTests {
    /// Commits `count` transactions one block each.
    static func commit(_ count: UInt64, from first: UInt64 = 1, in cluster: inout TestCluster) {
        for number in first..<(first + count) {
            // To a data center that is up and connected.
            let up = cluster.nodes.filter { cluster.replicas[$0] != nil && !cluster.isolated.contains($0) }
            cluster.submit(TestCluster.transaction(number), to: up[Int(number) % up.count])
            cluster.run(for: 20)
        }
    }

    @Test("every K blocks a stable checkpoint truncates the log and a snapshot replaces older records")
    func checkpointTruncation() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        Self.commit(10, in: &cluster)
        let replica = try #require(cluster.replicas[2])
        #expect(replica.certifiedHeight == 10)
        #expect(replica.lowWatermark == 8)
        #expect(replica.log.keys.allSatisfy { $0 > 8 }, "log keeps \(replica.log.keys.sorted())")
        #expect(replica.stableCheckpoint?.height == 8)
        let snapshots = cluster.actions[2].compactMap { if case .persist(.snapshot(let snapshot)) = $0 { snapshot } else { nil } }
        #expect(snapshots.count == 2)
        // The snapshot at 8 holds only what is above 8; the shell keeps it and what followed.
        guard case .snapshot(let last) = cluster.records[2].first else { Issue.record("no snapshot first"); return }
        #expect(last.prePrepares.allSatisfy { if case .prePrepare(let proposal) = $0.message { proposal.sequence > 8 } else { false } })
        #expect(cluster.records[2].count < 12)
        // The snapshot comes after the checkpoint block was handed over.
        let committedIndex = try #require(cluster.actions[2].firstIndex { if case .committed(let block) = $0 { block.height == 8 } else { false } })
        let snapshotIndex = try #require(cluster.actions[2].lastIndex { if case .persist(.snapshot) = $0 { true } else { false } })
        #expect(committedIndex < snapshotIndex)
    }

    @Test("a lagging data center fetches the certified blocks it missed, checks them, and adopts them in order")
    func stateTransfer() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        cluster.isolated = [3]
        Self.commit(10, in: &cluster)
        #expect(cluster.stores[3].isEmpty)
        #expect(cluster.stores[0].count == 10, "\(cluster.replicas.map { $0.map(String.init(describing:)) ?? "" })")
        cluster.isolated = []
        cluster.run(for: 200)
        #expect(cluster.committedHashes(3) == cluster.committedHashes(0))
        #expect(cluster.stores[3].map(\.height) == Array(1...10))
        #expect(cluster.messages(from: 3).contains { if case .fetchBlocks = $0.message { true } else { false } })
        #expect(cluster.actions.contains { $0.contains { if case .loadBlocks(let peer, _) = $0 { peer == 3 } else { false } } })
        // And it takes part again.
        Self.commit(2, from: 50, in: &cluster)
        #expect(cluster.stores[3].count == 12)
    }

    @Test("fetched blocks with a doctored certificate or content are refused")
    func stateTransferRefusesBadBlocks() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        Self.commit(3, in: &cluster)
        let good = cluster.stores[0]
        var fresh = cluster.makeReplicaFromScratch(3)
        func deliver(_ blocks: [CommittedBlock]) -> [Action] {
            fresh.handle(.message(SignedMessage.signed(.blocks(blocks), by: 1, with: cluster.signer(1), domain: cluster.configuration.signingDomain)))
        }
        // Two signatures only.
        let weak = CommitCertificate(height: 1, headerHash: good[0].certificate.headerHash, signatures: Array(good[0].certificate.signatures.prefix(2)))
        #expect(!deliver([CommittedBlock(block: good[0].block, certificate: weak)]).contains { if case .committed = $0 { true } else { false } })
        // A transaction swapped out of the body.
        let swapped = Block(header: good[0].block.header, transactions: [TestCluster.transaction(77)])
        #expect(!deliver([CommittedBlock(block: swapped, certificate: good[0].certificate)]).contains { if case .committed = $0 { true } else { false } })
        // One signer counted three times.
        let repeated = CommitCertificate(height: 1, headerHash: good[0].certificate.headerHash, signatures: Array(repeating: good[0].certificate.signatures[0], count: 3))
        #expect(!deliver([CommittedBlock(block: good[0].block, certificate: repeated)]).contains { if case .committed = $0 { true } else { false } })
        // Out of order: block 2 first is not adopted; the real chain is.
        #expect(!deliver([good[1]]).contains { if case .committed = $0 { true } else { false } })
        let adopted = deliver(good).compactMap { if case .committed(let block) = $0 { block.height } else { nil } }
        #expect(adopted == [1, 2, 3])
    }

    @Test("a restarted data center rebuilds from its records and stored blocks and carries on")
    func restart() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        Self.commit(6, in: &cluster)
        // dc2 crashes: only its records and stored blocks survive.
        cluster.replicas[2] = nil
        Self.commit(3, from: 20, in: &cluster)
        cluster.replicas[2] = cluster.makeReplica(2)
        let restored = try #require(cluster.replicas[2])
        #expect(restored.certifiedHeight == 6)
        #expect(restored.stableCheckpoint?.height == 4)
        cluster.run(for: 200)
        #expect(cluster.committedHashes(2) == cluster.committedHashes(0))
        // No height was handed over twice.
        #expect(cluster.stores[2].map(\.height) == Array(1...9))
        // A transaction submitted to it before the crash, not yet ordered, is sent again after the restart.
        cluster.isolated = [2]
        let waiting = TestCluster.transaction(99)
        cluster.handle(.submit(waiting), at: 2)
        cluster.replicas[2] = nil
        cluster.inFlight = []
        cluster.isolated = []
        cluster.replicas[2] = cluster.makeReplica(2)
        cluster.run(for: 300)
        #expect(cluster.stores[0].flatMap(\.block.transactions).contains(waiting))
    }

    @Test("a restarted primary does not propose a different batch for a slot it already proposed")
    func restartedPrimaryKeepsItsProposals() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        cluster.isolated = [1, 2, 3]
        cluster.submit(TestCluster.transaction(1), to: 0)
        let restored = cluster.makeReplica(0)
        #expect(restored.nextSequence == 2)
        #expect(restored.log[1]?.prePrepare != nil)
    }
}

extension TestCluster {
    /// dc`index` as a brand-new node with nothing stored.
    func makeReplicaFromScratch(_ index: Int) -> Replica {
        var replica = Replica(
            configuration: configuration, id: ReplicaID(index), signer: keys.signer(for: ReplicaID(index)), verifier: keys.verifier,
            transactionVerifier: SimulatedTransactionVerifier()
        )
        _ = replica.handle(.tick(nowMilliseconds: now))
        return replica
    }
}
