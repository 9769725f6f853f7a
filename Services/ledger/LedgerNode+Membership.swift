import Consensus
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules
import ServiceKit

/// Carrying out what `MembershipSwitch` and `CatchUp` decide; only ever inside a turn.
extension LedgerNode {
    /// After a turn: once the last block of a membership is certified here, the next membership's
    /// core takes over (view 0, its own keys and quorum, the log a snapshot of this node's waiting
    /// transactions); a data center voted out stops ordering, hands its waiting transactions on,
    /// and follows the chain as any reader does.
    func switchIfDue() async throws {
        guard let change = MembershipSwitch.decide(
            running: seating, height: chain.height, memberships: book.read(\.memberships), ownKey: setup.ownKey,
            waiting: replica?.waitingTransactions ?? []
        ) else { return }
        try await store.startMembership(after: change.seating.baseHeight, with: change.snapshot)
        replica = change.follows ? nil : try await setup.restore(change.seating, records: [.snapshot(change.snapshot)], from: store)
        seating = change.seating
        links.retain(change.seating)
        if let handOver = change.handOver { links.handOver(handOver) }
        logger.notice(
            change.follows ? "the membership changed without this data center; it stops ordering" : "the consensus membership changed",
            metadata: [
                "ledger.height": "\(chain.height)", "ledger.data_centers": "\(change.seating.seats.map(\.name).joined(separator: ","))",
                "ledger.index": "\(change.seating.index.map(String.init) ?? "none")",
            ]
        )
    }

    /// A catch-up batch: the blocks that verify are stored, applied and announced, then the
    /// membership switches if the chain now seats this data center.
    func take(_ batch: DownloadedBlocks) async throws -> CatchUpVerdict {
        guard followsChain else { return .done }
        // Downloaded against a tip that has moved since: ask again from the new one.
        guard batch.after == chain.height else { return .continueFrom(chain.height + 1) }
        // Up to 256 blocks' certificates to verify and their transactions to apply: off the pool.
        let (blocks, anchor, rules, ownKey) = (batch.blocks, chain, book.current, setup.ownKey)
        let result = try await OffPool.run { CatchUp.take(blocks, after: anchor, rules: rules, ownKey: ownKey) }
        let accepted = result.accepted.map(\.block)
        try await store.append(records: [], blocks: accepted)
        book.install(result.rules, applied: accepted)
        chain = result.anchor
        for accepted in result.accepted {
            for (position, transaction) in accepted.block.block.transactions.enumerated() {
                recordCommit(transaction.id, at: TransactionLocation(height: accepted.block.height, index: position))
            }
            announcer.announce(accepted.block, accepted.events)
        }
        try await switchIfDue()
        if let defect = result.defect { return .refused(defect) }
        return result.next.map(CatchUpVerdict.continueFrom) ?? .done
    }
}
