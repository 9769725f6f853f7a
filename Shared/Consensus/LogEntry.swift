/// What a replica knows about one sequence number.
/// The `view`-scoped fields hold the current view only; `prepared` and `committed` outlive view changes.
struct LogEntry: Sendable {
    var view: UInt64
    /// The accepted pre-prepare of `view`, its batch and the batch's digest (computed once).
    var prePrepare: SignedMessage?
    var batch: Batch?
    var digest: Hash256?
    /// First prepare per backup, and first commit per replica, in `view`.
    var prepares: [ReplicaID: (digest: Hash256, message: SignedMessage)] = [:]
    var commits: [ReplicaID: Hash256] = [:]
    /// This replica's own votes in `view`, kept for retransmission.
    var ownPrepare: SignedMessage?
    var ownCommit: SignedMessage?
    /// The highest-view prepared certificate, reported in view changes.
    var prepared: PreparedCertificate?
    var preparedView: UInt64?
    /// The decided batch, waiting to be executed in order.
    var committed: Batch?

    init(view: UInt64) { self.view = view }

    /// Forgets the view-scoped fields when the replica has moved to a later view.
    mutating func enter(_ newView: UInt64) {
        guard newView != view else { return }
        view = newView
        prePrepare = nil
        batch = nil
        digest = nil
        prepares = [:]
        commits = [:]
        ownPrepare = nil
        ownCommit = nil
    }
}

/// A transaction this replica knows of and has not executed.
struct PendingTransaction: Sendable {
    let transaction: Transaction
    /// When this replica first saw it (timers count from here or from the view's start, whichever is later).
    var firstSeen: UInt64
    /// Arrival order, so batches keep first-come order.
    let arrival: UInt64
    /// Submitted by a client here: this replica keeps forwarding it until it executes.
    var local: Bool
    var lastForwarded: UInt64
}
