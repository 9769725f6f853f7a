import Consensus

/// What one data center takes from a client, and how much one reply or message carries.
public enum LedgerLimits {
    /// 64 KiB: a bilateral contract (five parties: five certificates, sealed copies and
    /// signatures) is about 8 KiB, the paper's round's coalition contract (seven parties) about
    /// 24 KiB, since every party's copy holds the whole terms; a full batch of the largest (256,
    /// base64 in JSON, about 22 MiB) still fits the ledger's 32 MiB messages.
    public static let maxPayloadBytes = 64 * 1024
    /// The longest a `wait` holds a reply when the caller gave no deadline.
    public static let maxWait: Duration = .seconds(60)
    /// Transaction bytes in one reply or state-transfer message: a block of contracts is a few MiB
    /// in JSON, so 256 (or 32) of them would pass the 32 MiB message limit and be dropped.
    public static let maxBlockBytes = 12 << 20
    /// Blocks in one `Ledger/GetBlocks` reply, and in one page of a restart's chain read.
    public static let blocksPerReply: UInt64 = 256
    /// Headers in one `Ledger/GetHeaders` reply.
    public static let headersPerReply: UInt64 = 1_024

    /// The transaction bytes of a block as `maxBlockBytes` counts them.
    public static func transactionBytes(_ block: CommittedBlock) -> Int {
        block.block.transactions.reduce(0) { $0 + $1.payload.count + $1.submitter.count + $1.signature.count }
    }

    /// The longest prefix of `blocks` within `maxBlockBytes` of transactions, and never less than one block.
    public static func fitting(_ blocks: [CommittedBlock], maxBytes: Int = maxBlockBytes) -> [CommittedBlock] {
        var total = 0
        var count = 0
        for block in blocks {
            total += transactionBytes(block)
            guard count == 0 || total <= maxBytes else { break }
            count += 1
        }
        return Array(blocks.prefix(count))
    }

    /// The last height a range query from `from` answers: `through` if given, and at most `span`
    /// heights (never past the largest height).
    public static func lastHeight(from: UInt64, through: UInt64?, span: UInt64) -> UInt64 {
        let (last, overflow) = from.addingReportingOverflow(span - 1)
        return min(through ?? .max, overflow ? .max : last)
    }

    /// How long a `wait` may hold its reply: the caller's deadline, at most `maxWait`.
    public static func waitLimit(remaining: Duration?) -> Duration {
        min(remaining ?? maxWait, maxWait)
    }
}
