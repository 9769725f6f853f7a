import Crypto

/// Re-checks a stored chain without trusting whoever stored it: heights, hash links, Merkle roots,
/// commit certificates (2f+1 distinct valid data-center signatures over each header hash) and, when
/// given a transaction verifier, every transaction's signature and that none appears twice.
public enum ChainVerifier {
    /// The P-256 form `gridtrade ledger verify` uses: keys indexed by data center, 2f+1 with n = keys.count.
    public static func verify(
        blocks: [CommittedBlock],
        dataCenterKeys: [P256.Signing.PublicKey],
        transactionVerifier: (any TransactionVerifier)? = P256TransactionVerifier()
    ) -> Result<ChainSummary, ChainDefect> {
        verify(blocks: blocks, verifier: P256SignatureVerifier(dataCenterKeys: dataCenterKeys), transactionVerifier: transactionVerifier)
    }

    public static func verify(
        blocks: [(Block, CommitCertificate)],
        dataCenterKeys: [P256.Signing.PublicKey],
        transactionVerifier: (any TransactionVerifier)? = P256TransactionVerifier()
    ) -> Result<ChainSummary, ChainDefect> {
        verify(blocks: blocks.map { CommittedBlock(block: $0.0, certificate: $0.1) }, dataCenterKeys: dataCenterKeys, transactionVerifier: transactionVerifier)
    }

    /// `blocks` from height 1 in order (or from `after.height + 1`, linking to `after.headerHash`).
    public static func verify(
        blocks: [CommittedBlock],
        verifier: any SignatureVerifier,
        transactionVerifier: (any TransactionVerifier)? = nil,
        after anchor: ChainAnchor = .genesis
    ) -> Result<ChainSummary, ChainDefect> {
        let quorum = Configuration.quorum(of: verifier.replicaCount)
        var expectedHeight = anchor.height + 1
        var previous = anchor.headerHash
        var seen = Set<TransactionID>()
        var transactionCount = 0
        for committed in blocks {
            let header = committed.block.header
            let height = header.height
            func defect(_ problem: ChainProblem) -> Result<ChainSummary, ChainDefect> { .failure(ChainDefect(height: height, problem: problem)) }
            guard height == expectedHeight else { return defect(.unexpectedHeight(expected: expectedHeight)) }
            guard header.previousHash == previous else { return defect(.previousHashMismatch) }
            guard header.merkleRoot == MerkleTree.root(of: committed.block.transactions) else { return defect(.merkleRootMismatch) }
            let hash = header.hash
            guard committed.certificate.height == height else { return defect(.certificateHeightMismatch) }
            guard committed.certificate.headerHash == hash else { return defect(.certificateHashMismatch) }
            if let problem = CertificateCheck.problem(committed.certificate, quorum: quorum, verifier: verifier) {
                return defect(.certificate(problem))
            }
            for (index, transaction) in committed.block.transactions.enumerated() {
                guard seen.insert(transaction.id).inserted else { return defect(.duplicateTransaction(index: index)) }
                if let transactionVerifier, !transactionVerifier.isValid(transaction) { return defect(.invalidTransactionSignature(index: index)) }
            }
            transactionCount += committed.block.transactions.count
            previous = hash
            expectedHeight += 1
        }
        return .success(ChainSummary(blockCount: blocks.count, lastHeight: expectedHeight - 1, lastHeaderHash: previous, transactionCount: transactionCount))
    }
}

/// Where a verified stretch of chain starts: after this height and header hash.
public struct ChainAnchor: Sendable, Hashable, Codable {
    public let height: UInt64
    public let headerHash: Hash256

    public init(height: UInt64, headerHash: Hash256) {
        self.height = height
        self.headerHash = headerHash
    }

    public static let genesis = ChainAnchor(height: 0, headerHash: .zero)
}

public struct ChainSummary: Sendable, Hashable, Codable {
    public let blockCount: Int
    public let lastHeight: UInt64
    public let lastHeaderHash: Hash256
    public let transactionCount: Int

    public init(blockCount: Int, lastHeight: UInt64, lastHeaderHash: Hash256, transactionCount: Int) {
        self.blockCount = blockCount
        self.lastHeight = lastHeight
        self.lastHeaderHash = lastHeaderHash
        self.transactionCount = transactionCount
    }
}

/// The first bad block and what is wrong with it.
public struct ChainDefect: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public let height: UInt64
    public let problem: ChainProblem

    public var description: String { "height \(height): \(problem)" }
}

public enum ChainProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    case unexpectedHeight(expected: UInt64)
    case previousHashMismatch
    case merkleRootMismatch
    case certificateHeightMismatch
    case certificateHashMismatch
    case certificate(CertificateProblem)
    case duplicateTransaction(index: Int)
    case invalidTransactionSignature(index: Int)

    public var description: String {
        switch self {
        case .unexpectedHeight(let expected): "expected height \(expected)"
        case .previousHashMismatch: "previous hash does not match the header before it"
        case .merkleRootMismatch: "Merkle root does not match the transactions"
        case .certificateHeightMismatch: "certificate is for another height"
        case .certificateHashMismatch: "certificate is for another header"
        case .certificate(let problem): "certificate: \(problem)"
        case .duplicateTransaction(let index): "transaction \(index) was already committed"
        case .invalidTransactionSignature(let index): "transaction \(index) has an invalid signature"
        }
    }
}
