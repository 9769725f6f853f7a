/// What a replica asks the shell to persist. The shell appends each record durably (fsync) before
/// it carries out any action that follows it in the same `handle` result. After a restart the
/// records are handed back, in order, to `Replica.init(restoring:)`.
public enum PersistedRecord: Sendable, Hashable, Codable {
    /// A transaction a client submitted here: forwarded again after a restart until it commits.
    case transaction(Transaction)
    /// A pre-prepare this replica proposed (primary) or accepted (backup) - never accept another for that view and sequence.
    case prePrepare(SignedMessage)
    /// A batch this replica prepared - reported in its view changes so a committed batch survives.
    case prepared(PreparedCertificate)
    /// This replica left its view for the one in the view change.
    case viewChange(SignedMessage)
    /// This replica entered the view of a new-view (with its pre-prepares).
    case newView(SignedMessage)
    /// Written at every stable checkpoint, after the checkpoint's block was stored: it holds all the live
    /// state, so the shell may delete every record before it once it is durable.
    case snapshot(Snapshot)
}

/// The live consensus state at a stable checkpoint (everything below it is in the stored blocks).
public struct Snapshot: Sendable, Hashable, Codable {
    public let view: UInt64
    /// Set while this replica is between views.
    public let viewChange: SignedMessage?
    /// The new-view that started `view`, if it is active and not view 0.
    public let newView: SignedMessage?
    /// Pre-prepares accepted in `view` above the checkpoint.
    public let prePrepares: [SignedMessage]
    public let prepared: [PreparedCertificate]
    /// Client transactions submitted here and not yet executed.
    public let transactions: [Transaction]

    public init(view: UInt64, viewChange: SignedMessage?, newView: SignedMessage?, prePrepares: [SignedMessage], prepared: [PreparedCertificate], transactions: [Transaction]) {
        self.view = view
        self.viewChange = viewChange
        self.newView = newView
        self.prePrepares = prePrepares
        self.prepared = prepared
        self.transactions = transactions
    }

    enum CodingKeys: String, CodingKey {
        case view, prepared, transactions
        case viewChange = "view_change"
        case newView = "new_view"
        case prePrepares = "pre_prepares"
    }
}
