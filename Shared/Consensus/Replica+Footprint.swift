/// How much a replica holds in memory, collection by collection: what the shell reports as
/// metrics, so that a soak can tell which one grows. Every one is bounded by the configuration
/// (the window each is tied to is named at its declaration in `Replica`).
public struct ReplicaFootprint: Sendable, Equatable {
    /// Sequence numbers with a log entry: at most `watermarkWindow` above the low watermark.
    public var logEntries = 0
    /// Signed messages kept in log entries (pre-prepares, prepares, own votes, prepared certificates).
    public var logMessages = 0
    /// Transactions known and not executed, and the ids among them proposed in this view.
    public var pending = 0
    public var proposed = 0
    /// Executed ids remembered (`executedWindow` heights) and the heights they are indexed by.
    public var executedTransactions = 0
    public var executedHeights = 0
    /// Executed blocks waiting for their certificate, and the header votes kept for them.
    public var uncertified = 0
    public var headerVotes = 0
    /// View changes kept, all views together.
    public var viewChanges = 0

    public init() {}

    /// Each count by a stable name, for metrics.
    public var counts: [(name: String, value: Int)] {
        [
            ("log_entries", logEntries), ("log_messages", logMessages), ("pending", pending), ("proposed", proposed),
            ("executed_transactions", executedTransactions), ("executed_heights", executedHeights),
            ("uncertified", uncertified), ("header_votes", headerVotes), ("view_changes", viewChanges),
        ]
    }
}

extension Replica {
    public var footprint: ReplicaFootprint {
        var footprint = ReplicaFootprint()
        footprint.logEntries = log.count
        footprint.logMessages = log.values.reduce(0) { total, entry in
            total + entry.prepares.count + (entry.prePrepare == nil ? 0 : 1) + (entry.ownPrepare == nil ? 0 : 1)
                + (entry.ownCommit == nil ? 0 : 1) + (entry.prepared.map { $0.prepares.count + 1 } ?? 0)
        }
        footprint.pending = pending.count
        footprint.proposed = proposed.count
        footprint.executedTransactions = executedTransactions.count
        footprint.executedHeights = executedIDs.count
        footprint.uncertified = uncertified.count + executedAt.count
        footprint.headerVotes = headerVotes.values.reduce(0) { $0 + $1.count } + ownHeaderVotes.count
        footprint.viewChanges = viewChanges.values.reduce(0) { $0 + $1.count }
        return footprint
    }
}
