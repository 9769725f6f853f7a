import Consensus
import Foundation
import LedgerRules
import Synchronization

/// The shell's copy of the ledger's rules, at the last certified block: what queries read and
/// events come from. The core holds its own copy at the last executed block; both apply the same
/// blocks in the same order, so they agree at every certified height.
///
/// Only the node's turn writes it (one writer); request handlers and the core's pre-order check
/// read it from their own tasks, hence the lock.
final class LedgerBook: Sendable {
    private let rules: Mutex<LedgerRules>
    /// Decoded entries, shared with the pre-order check and the core's rules.
    let cache = LedgerEntryCache()

    init(policy: GovernancePolicy, founders: [DataCenterSeat]) {
        rules = Mutex(LedgerRules(policy: policy, founders: founders, recordsEvents: true, cache: cache))
    }

    /// Applies a newly certified block; returns what it changed, as events.
    func apply(_ block: CommittedBlock) -> [LedgerEvent] {
        let events = rules.withLock { $0.apply(certified: block) }
        for transaction in block.block.transactions { cache.forget(transaction.id) }
        return events
    }

    /// The rules as they stand, for a pure core to work on a copy of.
    var current: LedgerRules { rules.withLock { $0 } }

    /// Takes the rules a pure core advanced from `current` over `blocks`, once those are stored.
    func install(_ advanced: LedgerRules, applied blocks: [CommittedBlock]) {
        rules.withLock { $0 = advanced }
        for block in blocks {
            for transaction in block.block.transactions { cache.forget(transaction.id) }
        }
    }

    func read<T>(_ body: (LedgerRules) -> T) -> T { rules.withLock { body($0) } }
}
