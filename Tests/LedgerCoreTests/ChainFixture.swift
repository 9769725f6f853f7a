import Consensus
import Crypto
import Foundation
import LedgerCore
import LedgerRules

/// Data centers with real P-256 keys, and blocks they certify, for the cores that check chains.
struct DataCenters {
    let keys: [P256.Signing.PrivateKey]
    let seats: [DataCenterSeat]

    init(count: Int, firstNumber: Int = 1) {
        keys = (0..<count).map { _ in P256.Signing.PrivateKey() }
        seats = keys.enumerated().map { index, key in
            DataCenterSeat(name: "ledger-\(firstNumber + index)", publicKey: key.publicKey.x963Representation.base64EncodedString(), endpoint: "tcp://dc\(firstNumber + index):7201")
        }
    }

    func key(of seat: Int) -> String { seats[seat].publicKey }

    static func + (lhs: DataCenters, rhs: DataCenters) -> DataCenters { DataCenters(keys: lhs.keys + rhs.keys, seats: lhs.seats + rhs.seats) }

    private init(keys: [P256.Signing.PrivateKey], seats: [DataCenterSeat]) {
        self.keys = keys
        self.seats = seats
    }
}

/// A chain built block by block, each certified by the signers given.
struct ChainBuilder {
    private(set) var blocks: [CommittedBlock] = []

    var tip: ChainAnchor { blocks.last.map { ChainAnchor(height: $0.height, headerHash: $0.block.header.hash) } ?? .genesis }

    /// Appends a block of `transactions` signed by `signers` (positions in `by`'s seats).
    @discardableResult
    mutating func append(_ transactions: [Transaction] = [], by centers: DataCenters, signers: [Int]) -> CommittedBlock {
        let height = tip.height + 1
        let header = BlockHeader(
            height: height, previousHash: tip.headerHash, merkleRoot: MerkleTree.root(of: transactions), timestamp: 1_700_000_000_000 + height,
            nonce: 0, proposer: ReplicaID(0), view: 0
        )
        let bytes = BlockHeader.signingBytes(header.hash)
        let signatures = signers.sorted().map { ReplicaSignature(replica: ReplicaID($0), signature: P256MessageSigner(privateKey: centers.keys[$0]).sign(bytes)) }
        let block = CommittedBlock(block: Block(header: header, transactions: transactions), certificate: CommitCertificate(height: height, headerHash: header.hash, signatures: signatures))
        blocks.append(block)
        return block
    }
}

enum Entries {
    /// A short policy: a change decided at height 2 is in force after height 6.
    static let policy = GovernancePolicy(votingWindow: 100, checkpointInterval: 2, watermarkWindow: 2)

    static func transaction(_ entry: LedgerEntry, by key: P256.Signing.PrivateKey) -> Transaction {
        P256TransactionVerifier.sign(payload: entry.encoded(), with: key)
    }

    /// An opaque note; the rules record one only from a data center's key (`by`).
    static func note(_ text: String, by key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) -> Transaction {
        P256TransactionVerifier.sign(payload: Data(text.utf8), with: key)
    }
}
