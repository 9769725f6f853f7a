@testable import Consensus
import ConsensusSimulator
import Foundation
import Testing

@Suite("Chain verification")
struct ChainVerifierTests {
    /// A real 6-block chain made by a 4-node cluster.
    static func chain() -> (blocks: [CommittedBlock], cluster: TestCluster) {
        var cluster = TestCluster()
        for node in cluster.nodes { cluster.tick(node) }
        for number in UInt64(1)...6 {
            cluster.submit(TestCluster.transaction(number), to: 1)
            cluster.submit(TestCluster.transaction(number + 100), to: 2)
            cluster.run(for: 20)
        }
        return (cluster.stores[0], cluster)
    }

    static func verify(_ blocks: [CommittedBlock], _ cluster: TestCluster) -> Result<ChainSummary, ChainDefect> {
        ChainVerifier.verify(blocks: blocks, verifier: cluster.keys.verifier, transactionVerifier: SimulatedTransactionVerifier())
    }

    static func replacing(_ blocks: [CommittedBlock], at index: Int, block: Block? = nil, certificate: CommitCertificate? = nil) -> [CommittedBlock] {
        var copy = blocks
        copy[index] = CommittedBlock(block: block ?? blocks[index].block, certificate: certificate ?? blocks[index].certificate)
        return copy
    }

    @Test("an untouched chain verifies")
    func valid() throws {
        let (blocks, cluster) = Self.chain()
        let summary = try Self.verify(blocks, cluster).get()
        #expect(summary.lastHeight == UInt64(blocks.count))
        #expect(summary.transactionCount == 12)
    }

    @Test("an altered transaction is caught at its height")
    func alteredTransaction() throws {
        let (blocks, cluster) = Self.chain()
        let target = blocks[3]
        var transactions = target.block.transactions
        transactions[0] = Transaction(payload: Data("pay mallory".utf8), submitter: transactions[0].submitter, signature: transactions[0].signature)
        let doctored = Self.replacing(blocks, at: 3, block: Block(header: target.block.header, transactions: transactions))
        #expect(Self.verify(doctored, cluster) == .failure(ChainDefect(height: 4, problem: .merkleRootMismatch)))
    }

    @Test("an altered header is caught: its certificate no longer matches, or the next link breaks")
    func alteredHeader() throws {
        let (blocks, cluster) = Self.chain()
        let header = blocks[2].block.header
        let changed = BlockHeader(height: header.height, previousHash: header.previousHash, merkleRoot: header.merkleRoot, timestamp: header.timestamp + 1, nonce: header.nonce, proposer: header.proposer, view: header.view)
        let doctored = Self.replacing(blocks, at: 2, block: Block(header: changed, transactions: blocks[2].block.transactions))
        #expect(Self.verify(doctored, cluster) == .failure(ChainDefect(height: 3, problem: .certificateHashMismatch)))
        // Re-pointing the certificate at the new header leaves it with signatures over another hash.
        let recertified = Self.replacing(doctored, at: 2, certificate: CommitCertificate(height: 3, headerHash: changed.hash, signatures: blocks[2].certificate.signatures))
        guard case .failure(let defect) = Self.verify(recertified, cluster), case .certificate(.invalidSignature) = defect.problem else {
            Issue.record("re-pointed certificate accepted")
            return
        }
        #expect(defect.height == 3)
        // A chain with a block left out breaks at the gap.
        var gap = blocks
        gap.remove(at: 4)
        #expect(Self.verify(gap, cluster) == .failure(ChainDefect(height: 6, problem: .unexpectedHeight(expected: 5))))
    }

    @Test("an altered certificate is caught: too few signers, a repeated signer, an unknown one, a forged signature")
    func alteredCertificate() throws {
        let (blocks, cluster) = Self.chain()
        let certificate = blocks[4].certificate
        let signatures = certificate.signatures
        func with(_ signatures: [ReplicaSignature]) -> [CommittedBlock] {
            Self.replacing(blocks, at: 4, certificate: CommitCertificate(height: 5, headerHash: certificate.headerHash, signatures: signatures))
        }
        #expect(Self.verify(with(Array(signatures.prefix(2))), cluster) == .failure(ChainDefect(height: 5, problem: .certificate(.tooFewSignatures(found: 2, required: 3)))))
        #expect(Self.verify(with([signatures[0], signatures[0], signatures[1]]), cluster) == .failure(ChainDefect(height: 5, problem: .certificate(.duplicateSigner(signatures[0].replica)))))
        #expect(Self.verify(with(signatures + [ReplicaSignature(replica: 7, signature: Data([1]))]), cluster) == .failure(ChainDefect(height: 5, problem: .certificate(.unknownSigner(7)))))
        let forged = [ReplicaSignature(replica: signatures[0].replica, signature: signatures[1].signature)] + signatures.dropFirst()
        #expect(Self.verify(with(forged), cluster) == .failure(ChainDefect(height: 5, problem: .certificate(.invalidSignature(signatures[0].replica)))))
        let elsewhere = Self.replacing(blocks, at: 4, certificate: CommitCertificate(height: 4, headerHash: certificate.headerHash, signatures: signatures))
        #expect(Self.verify(elsewhere, cluster) == .failure(ChainDefect(height: 5, problem: .certificateHeightMismatch)))
    }
}
