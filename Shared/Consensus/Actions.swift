import GridProtocol

/// What the shell feeds a replica.
public enum Input: Sendable, Hashable {
    /// The shell's clock, ms since the Unix epoch. Feed it often (every 10 ms or so); it drives
    /// batching, retransmission, state transfer and view-change timers. It never goes backwards in the core.
    case tick(nowMilliseconds: UInt64)
    /// A transaction from a client of this data center.
    case submit(Transaction)
    /// A message from another data center, as received; the core checks the signature first.
    case message(SignedMessage)
    /// The shell's answer to `Action.loadBlocks`: the stored blocks in that range (fewer if it has fewer).
    case blocksLoaded(for: ReplicaID, [CommittedBlock])
}

/// What a replica asks the shell to do, in order. `persist` and `committed` must be durable before
/// the shell carries out any later action of the same result.
public enum Action: Sendable, Hashable {
    case send(to: ReplicaID, SignedMessage)
    /// To every other data center.
    case broadcast(SignedMessage)
    case persist(PersistedRecord)
    /// Store this block with its certificate. Heights come in order, each exactly once per incarnation,
    /// continuing after the blocks the replica was restored with.
    case committed(CommittedBlock)
    /// Tell the client: its transaction is at `index` in the block at `height`.
    case transactionCommitted(TransactionID, TransactionLocation)
    /// Tell the client: refused, never ordered.
    case transactionRejected(TransactionID, TransactionRejection)
    /// Read these stored blocks and hand them back with `Input.blocksLoaded(for:)`: a peer is catching up.
    case loadBlocks(for: ReplicaID, BlockRange)
    /// For logs and status: this replica now works in `view` (`active` false while it waits for the new-view).
    case viewChanged(view: UInt64, primary: ReplicaID, active: Bool)
}

/// Why a transaction was refused: the status code its client is answered with, and a sentence.
public struct TransactionRejection: Error, Sendable, Hashable, Codable, CustomStringConvertible, StatusConvertible {
    /// Encoded as gRPC's number, as stored and sent before the code was typed.
    public let code: StatusCode
    public let reason: String

    public init(code: StatusCode, reason: String) {
        self.code = code
        self.reason = reason
    }

    public static let invalidSignature = TransactionRejection(code: .unauthenticated, reason: "the transaction's signature does not verify against its submitter key")

    public var status: GridProtocol.Status { GridProtocol.Status(code: code, message: reason) }

    public var description: String { reason }
}
