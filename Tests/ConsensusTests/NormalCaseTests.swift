@testable import Consensus
import ConsensusSimulator
import Foundation
import Testing

@Suite("Normal case")
struct NormalCaseTests {
    @Test("a transaction submitted to a backup commits at all four data centers in one certified block")
    func commitInFourNodeCluster() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        let transaction = TestCluster.transaction(1)
        // A backup takes the client's transaction, stores it, and sends it on to the primary only.
        let accepted = cluster.handle(.submit(transaction), at: 2)
        #expect(accepted.contains(.persist(.transaction(transaction))))
        #expect(accepted.contains { if case .send(let peer, let message) = $0, case .request = message.message { peer == ReplicaID(0) } else { false } })
        #expect(!accepted.contains { if case .broadcast(let message) = $0, case .request = message.message { true } else { false } })
        cluster.deliverAll()
        // The primary proposed it; backups prepared, everyone committed, executed, and signed the header.
        let primaryMessages = cluster.messages(from: 0)
        #expect(primaryMessages.contains { if case .prePrepare(let proposal) = $0.message { proposal.sequence == 1 && proposal.batch.transactions == [transaction] } else { false } })
        #expect(cluster.messages(from: 1).contains { if case .prepare = $0.message { true } else { false } })
        for node in cluster.nodes {
            #expect(cluster.stores[node].count == 1, "dc\(node) committed \(cluster.stores[node].count) blocks")
        }
        let hashes = Set(cluster.nodes.map { cluster.committedHashes($0) })
        #expect(hashes.count == 1)
        let block = try #require(cluster.stores[2].first)
        #expect(block.block.transactions == [transaction])
        #expect(block.block.header.previousHash == .zero)
        #expect(block.block.header.proposer == 0)
        #expect(block.certificate.signatures.count >= 3)
        #expect(cluster.actions[2].contains(.transactionCommitted(transaction.id, TransactionLocation(height: 1, index: 0))))
        let verified = ChainVerifier.verify(blocks: cluster.stores[3], verifier: cluster.keys.verifier, transactionVerifier: SimulatedTransactionVerifier())
        #expect((try? verified.get())?.lastHeight == 1)
    }

    @Test("batches and a pipeline: many transactions, several blocks in flight, linked headers, each transaction once")
    func batchingAndPipeline() throws {
        var configuration = TestCluster.configuration()
        configuration.batchDelay = 20
        var cluster = TestCluster(configuration: configuration)
        for node in cluster.nodes { cluster.tick(node) }
        let transactions = (1...22).map { TestCluster.transaction($0) }
        // All arrive within one instant: the primary proposes each full batch of 4 at once (several sequence
        // numbers in flight before any commits), and the last 2 after the batch delay.
        for (index, transaction) in transactions.enumerated() { cluster.handle(.submit(transaction), at: index % 4) }
        cluster.handle(.submit(transactions[0]), at: 1)
        cluster.deliverAll()
        let proposals = cluster.messages(from: 0).compactMap { if case .prePrepare(let proposal) = $0.message { proposal.sequence } else { nil } }
        #expect(proposals == [1, 2, 3, 4, 5])
        #expect(cluster.stores[1].count == 5)
        cluster.run(for: 100)
        let chain = cluster.stores[1]
        #expect(chain.count == 6)
        #expect(chain.map { $0.block.transactions.count } == [4, 4, 4, 4, 4, 2])
        #expect(Set(chain.flatMap { $0.block.transactions.map(\.id) }) == Set(transactions.map(\.id)))
        for (previous, next) in zip(chain, chain.dropFirst()) {
            #expect(next.block.header.previousHash == previous.block.header.hash)
            #expect(next.block.header.timestamp > previous.block.header.timestamp)
        }
        for node in cluster.nodes { #expect(cluster.committedHashes(node) == cluster.committedHashes(1)) }
    }

    @Test("a duplicate submission is ordered once and answered with its location")
    func duplicateOrderedOnce() {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        let transaction = TestCluster.transaction(5)
        cluster.submit(transaction, to: 1)
        cluster.submit(transaction, to: 3)
        cluster.run(for: 50)
        let again = cluster.handle(.submit(transaction), at: 2)
        #expect(again == [.transactionCommitted(transaction.id, TransactionLocation(height: 1, index: 0))])
        #expect(cluster.stores[0].flatMap(\.block.transactions).count == 1)
    }

    @Test("a transaction with a bad signature is refused and never ordered")
    func badTransactionRefused() {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        let good = TestCluster.transaction(9)
        let forged = Transaction(payload: Data("pay me".utf8), submitter: good.submitter, signature: good.signature)
        let actions = cluster.handle(.submit(forged), at: 1)
        #expect(actions == [.transactionRejected(forged.id, .invalidSignature)])
        cluster.run(for: 50)
        #expect(cluster.stores[0].isEmpty)
    }
}
