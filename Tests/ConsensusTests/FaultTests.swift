@testable import Consensus
import ConsensusSimulator
import Foundation
import Testing

@Suite("Faults")
struct FaultTests {
    @Test("forged, badly signed and other-view messages are refused before they change anything")
    func forgedMessagesRefused() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        cluster.handle(.submit(TestCluster.transaction(1)), at: 0)
        // Nothing delivered yet: dc1 gets only dc0's pre-prepare, and has its own prepare.
        let proposal = try #require(cluster.messages(from: 0).first { if case .prePrepare = $0.message { true } else { false } })
        guard case .prePrepare(let pre) = proposal.message else { return }
        var replica = try #require(cluster.replicas[1])
        _ = replica.handle(.message(proposal))
        let vote = Vote(view: 0, sequence: 1, digest: pre.batch.digest)
        let before = String(describing: replica)
        // dc3 claims to be dc2: its own key does not make dc2's signature.
        let forgedBytes = SignedMessage.signingBytes(sender: 2, message: .prepare(vote), domain: cluster.configuration.signingDomain)
        let forged = SignedMessage(sender: 2, message: .prepare(vote), signature: cluster.signer(3).sign(forgedBytes))
        #expect(replica.handle(.message(forged)) == [])
        // Right sender, signature over other bytes.
        let tampered = SignedMessage(sender: 2, message: .prepare(vote), signature: cluster.signer(2).sign(Data("something else".utf8)))
        #expect(replica.handle(.message(tampered)) == [])
        // An unknown sender.
        let stranger = SignedMessage(sender: 9, message: .prepare(vote), signature: Data(repeating: 1, count: 32))
        #expect(replica.handle(.message(stranger)) == [])
        // Validly signed, but for another view or far beyond the watermarks: ignored, no commit follows.
        let otherView = SignedMessage.signed(.prepare(Vote(view: 5, sequence: 1, digest: vote.digest)), by: 2, with: cluster.signer(2), domain: cluster.configuration.signingDomain)
        let farAhead = SignedMessage.signed(.prepare(Vote(view: 0, sequence: 500, digest: vote.digest)), by: 2, with: cluster.signer(2), domain: cluster.configuration.signingDomain)
        #expect(replica.handle(.message(otherView)) == [])
        #expect(replica.handle(.message(farAhead)) == [])
        #expect(String(describing: replica) == before)
        // The genuine prepare from dc2 makes dc1 prepared: it sends its commit.
        let genuine = SignedMessage.signed(.prepare(vote), by: 2, with: cluster.signer(2), domain: cluster.configuration.signingDomain)
        let actions = replica.handle(.message(genuine))
        #expect(actions.contains { if case .broadcast(let message) = $0, case .commit(vote) = message.message { true } else { false } })
    }

    @Test("a pre-prepare not from the primary, or with a forged transaction, is not accepted")
    func badProposalsRefused() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        var replica = try #require(cluster.replicas[2])
        let good = TestCluster.transaction(3)
        let batch = Batch(view: 0, proposer: 0, timestamp: cluster.now, nonce: 1, transactions: [good])
        let fromBackup = SignedMessage.signed(.prePrepare(PrePrepare(view: 0, sequence: 1, batch: batch)), by: 1, with: cluster.signer(1), domain: cluster.configuration.signingDomain)
        #expect(replica.handle(.message(fromBackup)) == [])
        let forgedTransaction = Transaction(payload: Data("x".utf8), submitter: good.submitter, signature: good.signature)
        let badBatch = Batch(view: 0, proposer: 0, timestamp: cluster.now, nonce: 1, transactions: [forgedTransaction])
        let withForgery = SignedMessage.signed(.prePrepare(PrePrepare(view: 0, sequence: 1, batch: badBatch)), by: 0, with: cluster.signer(0), domain: cluster.configuration.signingDomain)
        #expect(replica.handle(.message(withForgery)) == [])
        let stale = Batch(view: 0, proposer: 0, timestamp: cluster.now - 60_000, nonce: 1, transactions: [good])
        let fromThePast = SignedMessage.signed(.prePrepare(PrePrepare(view: 0, sequence: 1, batch: stale)), by: 0, with: cluster.signer(0), domain: cluster.configuration.signingDomain)
        #expect(replica.handle(.message(fromThePast)) == [])
        let accepted = replica.handle(.message(SignedMessage.signed(.prePrepare(PrePrepare(view: 0, sequence: 1, batch: batch)), by: 0, with: cluster.signer(0), domain: cluster.configuration.signingDomain)))
        #expect(accepted.contains { if case .persist(.prePrepare) = $0 { true } else { false } })
    }

    @Test("a silent primary is replaced: view change, new-view, and the transaction commits in view 1")
    func viewChangeOnSilentPrimary() throws {
        var cluster = TestCluster()
        cluster.isolated = [0]
        for node in cluster.nodes { cluster.tick(node) }
        let transaction = TestCluster.transaction(1)
        cluster.submit(transaction, to: 2)
        cluster.run(for: 150)
        #expect(cluster.stores[2].isEmpty)
        cluster.run(for: 400)
        for node in 1...3 {
            let replica = try #require(cluster.replicas[node])
            #expect(replica.view == 1 && replica.viewActive, "dc\(node): \(replica)")
            #expect(cluster.stores[node].map { $0.block.transactions } == [[transaction]])
        }
        #expect(cluster.stores[2].first?.block.header.proposer == 1)
        #expect(cluster.stores[2].first?.block.header.view == 1)
        #expect(cluster.actions[1].contains { if case .broadcast(let message) = $0, case .newView = message.message { true } else { false } })
        // The old primary catches up once it can talk again, by view change answers and state transfer.
        cluster.isolated = []
        cluster.run(for: 300)
        #expect(cluster.committedHashes(0) == cluster.committedHashes(2))
    }

    @Test("a view change carries a prepared batch into the next view, and fills the gap below it with an empty block")
    func viewChangeKeepsPreparedAndFillsGaps() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        let first = TestCluster.transaction(1), second = TestCluster.transaction(2)
        // Sequence 1's pre-prepare reaches nobody; sequence 2 prepares everywhere but its commits are lost.
        cluster.rewrite = { _, _, message in
            switch message.message {
            case .prePrepare(let proposal) where proposal.view == 0 && proposal.sequence == 1: nil
            case .commit(let vote) where vote.view == 0: nil
            default: message
            }
        }
        cluster.submit(first, to: 0)
        cluster.submit(second, to: 0)
        cluster.isolated = [0]
        cluster.run(for: 600)
        let chain = cluster.stores[1]
        #expect(chain.count >= 2, "\(cluster.replicas[1].map(String.init(describing:)) ?? "")")
        // Height 1: nobody prepared it, so the new primary filled it with an empty block; height 2 kept its batch.
        #expect(chain.first?.block.transactions == [])
        #expect(chain.first?.block.header.view == 1)
        #expect(chain.dropFirst().first?.block.transactions == [second])
        #expect(chain.dropFirst().first?.block.header.view == 0)
        // The first transaction was not lost: re-sent to the new primary, it commits later.
        cluster.run(for: 300)
        #expect(cluster.stores[1].flatMap(\.block.transactions).contains(first))
    }

    @Test("an equivocating primary does not split the honest data centers")
    func equivocatingPrimary() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        let a = TestCluster.transaction(1), b = TestCluster.transaction(2)
        let signer0 = cluster.signer(0), domain = cluster.configuration.signingDomain
        // dc0 sends dc1 a different batch for every slot than it sends dc2 and dc3.
        cluster.rewrite = { from, to, message in
            guard from == 0 else { return message }
            if case .prePrepare(let proposal) = message.message, to == 1 {
                let batch = proposal.batch
                let other = Batch(view: batch.view, proposer: batch.proposer, timestamp: batch.timestamp, nonce: batch.nonce + 99, transactions: batch.transactions.reversed())
                return SignedMessage.signed(.prePrepare(PrePrepare(view: proposal.view, sequence: proposal.sequence, batch: other)), by: 0, with: signer0, domain: domain)
            }
            return message
        }
        cluster.handle(.submit(a), at: 0)
        cluster.handle(.submit(b), at: 0)
        cluster.deliverAll()
        cluster.run(for: 800)
        let reference = cluster.committedHashes(2)
        #expect(!reference.isEmpty)
        for node in 1...3 {
            let hashes = cluster.committedHashes(node)
            #expect(Array(hashes.prefix(reference.count)) == Array(reference.prefix(hashes.count)), "dc\(node) diverged")
        }
        #expect(Set(cluster.stores[1].flatMap(\.block.transactions).map(\.id)) == [a.id, b.id])
    }

    @Test("a primary that signs two proposals for one slot to the same replica is replaced")
    func doubleProposalStartsViewChange() throws {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        var replica = try #require(cluster.replicas[1])
        let batch = Batch(view: 0, proposer: 0, timestamp: cluster.now, nonce: 1, transactions: [TestCluster.transaction(1)])
        let other = Batch(view: 0, proposer: 0, timestamp: cluster.now, nonce: 2, transactions: [TestCluster.transaction(1)])
        _ = replica.handle(.message(SignedMessage.signed(.prePrepare(PrePrepare(view: 0, sequence: 1, batch: batch)), by: 0, with: cluster.signer(0), domain: cluster.configuration.signingDomain)))
        let actions = replica.handle(.message(SignedMessage.signed(.prePrepare(PrePrepare(view: 0, sequence: 1, batch: other)), by: 0, with: cluster.signer(0), domain: cluster.configuration.signingDomain)))
        #expect(actions.contains { if case .broadcast(let message) = $0, case .viewChange(let change) = message.message { change.newView == 1 } else { false } })
        #expect(replica.view == 1 && !replica.viewActive)
    }
}
