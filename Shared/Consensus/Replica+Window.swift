/// What a replica remembers of executed transactions, and the time it gives the rules.
///
/// Executed ids are kept for a window of heights, not for the ledger's lifetime: the ids of the
/// blocks in (executedHeight - window, executedHeight]. The window is a function of the
/// configuration alone, so every replica at the same executed height holds the same ids and
/// leaves the same transactions out of a block (execution stays deterministic). An id older than
/// the window can reach a replica only as a replay (a client's, or a faulty data center's): the
/// shell looks such ids up in its store before it hands a transaction or a pre-prepare to the
/// core, and the core never sees them.
extension Replica {
    /// Heights of executed ids kept: four watermark windows and checkpoint intervals, so it always
    /// covers every executed block not yet certified (at most a watermark window) with room to spare.
    public static func executedWindow(for configuration: Configuration) -> UInt64 {
        4 * (configuration.watermarkWindow + configuration.checkpointInterval)
    }

    mutating func recordExecuted(_ id: TransactionID, at location: TransactionLocation) {
        executedTransactions[id] = location
        executedIDs[location.height, default: []].append(id)
        proposed.remove(id)
    }

    /// Forgets the ids of the block that left the window when `height` was executed.
    mutating func forgetExecutedBeyondWindow(at height: UInt64) {
        let window = Self.executedWindow(for: configuration)
        guard height > window else { return }
        let leaving = height - window
        // A block dropped and re-executed after a divergence (state transfer) may have moved an
        // id to a later height: only the entry of this height goes.
        for id in executedIDs.removeValue(forKey: leaving) ?? [] where executedTransactions[id]?.height == leaving {
            executedTransactions.removeValue(forKey: id)
        }
    }

    /// Tells rules that judge by time the timestamp of the block they are about to apply: a time
    /// every replica agrees on, unlike its own clock.
    mutating func enterBlock(height: UInt64, timestamp: UInt64) {
        guard var timed = rules as? any BlockTimedRules else { return }
        timed.enterBlock(height: height, timestamp: timestamp)
        rules = timed
    }
}

/// Rules whose outcome depends on time (a certificate's validity, say): they read it from the
/// header of the block being applied, never from a clock, so every data center decides alike.
public protocol BlockTimedRules: ExecutionRules {
    /// Called before the transactions of the block at `height`, whose header carries `timestamp`
    /// (ms since the Unix epoch), are applied.
    mutating func enterBlock(height: UInt64, timestamp: UInt64)
}
