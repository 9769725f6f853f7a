import Foundation

/// A block header and its canonical encoding.
///
/// Header encoding, 101 bytes, integers big-endian:
///
///     u8    version            1
///     u64   height             1 for the first block
///     [32]  previous hash      header hash of height - 1; 32 zero bytes for height 1
///     [32]  merkle root        `MerkleTree` root over the body's transactions
///     u64   timestamp          milliseconds since the Unix epoch (UTC)
///     u64   nonce              chosen by the proposer, opaque to consensus
///     u32   proposer           replica index of the primary that proposed the batch
///     u64   view               view in which the batch was proposed
///
/// Header hash = SHA-256(encoding). Commit certificates sign `BlockHeader.signingBytes(hash)`.
/// Block encoding = header encoding, u32 transaction count, each transaction's encoding
/// (see `Transaction`).
public struct BlockHeader: Sendable, Hashable, Codable, CanonicallyEncodable {
    public static let version: UInt8 = 1

    public let height: UInt64
    public let previousHash: Hash256
    public let merkleRoot: Hash256
    public let timestamp: UInt64
    public let nonce: UInt64
    public let proposer: ReplicaID
    public let view: UInt64

    public init(height: UInt64, previousHash: Hash256, merkleRoot: Hash256, timestamp: UInt64, nonce: UInt64, proposer: ReplicaID, view: UInt64) {
        self.height = height
        self.previousHash = previousHash
        self.merkleRoot = merkleRoot
        self.timestamp = timestamp
        self.nonce = nonce
        self.proposer = proposer
        self.view = view
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.u8(Self.version)
        encoder.u64(height)
        encoder.hash(previousHash)
        encoder.hash(merkleRoot)
        encoder.u64(timestamp)
        encoder.u64(nonce)
        encoder.u32(UInt32(proposer.index))
        encoder.u64(view)
    }

    public var hash: Hash256 { Hash256.sha256(canonicalBytes) }

    /// What a data center signs to vote for a header: "GRIDTRADE-BLOCK-V1" 0x00 || header hash.
    public static func signingBytes(_ headerHash: Hash256) -> Data {
        var encoder = CanonicalEncoder()
        encoder.tag("GRIDTRADE-BLOCK-V1")
        encoder.hash(headerHash)
        return encoder.data
    }

    enum CodingKeys: String, CodingKey {
        case height, timestamp, nonce, proposer, view
        case previousHash = "previous_hash"
        case merkleRoot = "merkle_root"
    }
}

public struct Block: Sendable, Hashable, Codable, CanonicallyEncodable {
    public let header: BlockHeader
    public let transactions: [Transaction]

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        header.encode(to: &encoder)
        encoder.list(transactions) { $1.encode(to: &$0) }
    }

    /// Proof that transaction `index` is in this block, checked against `header.merkleRoot`.
    public func inclusionProof(of index: Int) -> InclusionProof? {
        MerkleTree.proof(of: index, in: transactions)
    }
}

/// One data center's signature over a header hash.
public struct ReplicaSignature: Sendable, Hashable, Codable {
    public let replica: ReplicaID
    public let signature: Data

    public init(replica: ReplicaID, signature: Data) {
        self.replica = replica
        self.signature = signature
    }
}

/// 2f+1 data-center signatures over a block's header hash: the block is final.
public struct CommitCertificate: Sendable, Hashable, Codable, CanonicallyEncodable {
    public let height: UInt64
    public let headerHash: Hash256
    /// Sorted by replica, one per replica.
    public let signatures: [ReplicaSignature]

    public init(height: UInt64, headerHash: Hash256, signatures: [ReplicaSignature]) {
        self.height = height
        self.headerHash = headerHash
        self.signatures = signatures
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.u64(height)
        encoder.hash(headerHash)
        encoder.list(signatures) {
            $0.u32(UInt32($1.replica.index))
            $0.data($1.signature)
        }
    }

    enum CodingKeys: String, CodingKey {
        case height, signatures
        case headerHash = "header_hash"
    }
}

/// A block as the ledger stores it and state transfer ships it.
public struct CommittedBlock: Sendable, Hashable, Codable, CanonicallyEncodable {
    public let block: Block
    public let certificate: CommitCertificate

    public init(block: Block, certificate: CommitCertificate) {
        self.block = block
        self.certificate = certificate
    }

    public var height: UInt64 { block.header.height }

    public func encode(to encoder: inout CanonicalEncoder) {
        block.encode(to: &encoder)
        certificate.encode(to: &encoder)
    }
}

/// A stable checkpoint's proof: a header at a multiple of K and its commit certificate.
public struct CheckpointProof: Sendable, Hashable, Codable, CanonicallyEncodable {
    public let header: BlockHeader
    public let certificate: CommitCertificate

    public init(header: BlockHeader, certificate: CommitCertificate) {
        self.header = header
        self.certificate = certificate
    }

    public var height: UInt64 { header.height }

    public func encode(to encoder: inout CanonicalEncoder) {
        header.encode(to: &encoder)
        certificate.encode(to: &encoder)
    }
}
