/// What PBFT orders at one sequence number: the primary's transactions plus the header fields it chooses.
/// Each replica turns the batch at sequence n into block n when it executes n in order (see `Execution`).
///
/// Digest = SHA-256("GRIDTRADE-BATCH-V1" 0x00, u64 view, u32 proposer, u64 timestamp, u64 nonce,
/// u32 count, transactions). The sequence number is not in it; pre-prepares and votes carry it.
public struct Batch: Sendable, Hashable, Codable, CanonicallyEncodable {
    /// The view it was first proposed in (kept when a later primary re-proposes it).
    public let view: UInt64
    public let proposer: ReplicaID
    /// The proposer's clock, ms since the Unix epoch; 0 in the empty batches a new view fills gaps with.
    public let timestamp: UInt64
    public let nonce: UInt64
    public let transactions: [Transaction]

    public init(view: UInt64, proposer: ReplicaID, timestamp: UInt64, nonce: UInt64, transactions: [Transaction]) {
        self.view = view
        self.proposer = proposer
        self.timestamp = timestamp
        self.nonce = nonce
        self.transactions = transactions
    }

    /// The empty batch a new primary puts at a sequence number no view-change message had prepared.
    /// Deterministic, so every backup recomputes the same new-view.
    public static func empty(view: UInt64, proposer: ReplicaID) -> Batch {
        Batch(view: view, proposer: proposer, timestamp: 0, nonce: 0, transactions: [])
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.tag("GRIDTRADE-BATCH-V1")
        encoder.u64(view)
        encoder.u32(UInt32(proposer.index))
        encoder.u64(timestamp)
        encoder.u64(nonce)
        encoder.list(transactions) { $1.encode(to: &$0) }
    }

    public var digest: Hash256 { Hash256.sha256(canonicalBytes) }
}
