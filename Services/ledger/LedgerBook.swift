import Consensus
import Foundation
import LedgerRules
import Synchronization

/// The shell's copy of the ledger's rules, at the last certified block: what queries read and
/// events come from. The core holds its own copy at the last executed block; both apply the same
/// blocks in the same order, so they agree at every certified height.
final class LedgerBook: Sendable {
    private let rules: Mutex<LedgerRules>
    /// Decoded entries, shared with the pre-order check and the core's rules.
    let cache = LedgerEntryCache()

    init(policy: GovernancePolicy, founders: [DataCenterSeat], blocks: [CommittedBlock]) {
        var rules = LedgerRules(policy: policy, founders: founders, recordsEvents: true, cache: cache)
        for block in blocks { Self.apply(block, to: &rules) }
        _ = rules.takeEvents()
        self.rules = Mutex(rules)
    }

    /// Applies a newly certified block; returns what it changed, as events.
    func apply(_ block: CommittedBlock) -> [LedgerEvent] {
        let events = rules.withLock { rules in
            Self.apply(block, to: &rules)
            return rules.takeEvents()
        }
        for transaction in block.block.transactions { cache.forget(transaction.id) }
        return events
    }

    private static func apply(_ block: CommittedBlock, to rules: inout LedgerRules) {
        let height = block.height
        rules.advance(to: height)
        for (index, transaction) in block.block.transactions.enumerated() {
            // Certified blocks hold only transactions the rules took when they were executed.
            _ = rules.apply(transaction, at: TransactionLocation(height: height, index: index))
        }
    }

    func read<T>(_ body: (LedgerRules) -> T) -> T { rules.withLock { body($0) } }
}
