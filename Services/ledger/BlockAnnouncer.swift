import Bus
import Consensus
import LedgerKit
import LedgerRules
import Logging

/// Tells subscribers what a certified block recorded: `BlockCommitted`, then one event per change.
struct BlockAnnouncer: Sendable {
    let events: EventPublisher
    let logger: Logger

    func announce(_ committed: CommittedBlock, _ changes: [LedgerEvent]) {
        let header = committed.block.header
        let summary = BlockSummary(
            height: header.height, hash: header.hash.hex, previousHash: header.previousHash.hex, view: header.view,
            proposer: header.proposer.index, transactions: committed.block.transactions.map(\.id.hex)
        )
        do {
            try events.publish(LedgerAPI.blockCommitted, summary)
            for change in changes {
                switch change {
                case .contractCommitted(let record): try events.publish(LedgerAPI.contractCommitted, ContractSummary(record))
                case .proposalOpened(let record): try events.publish(LedgerAPI.proposalOpened, record)
                case .voteCast(let vote): try events.publish(LedgerAPI.voteCast, vote)
                case .proposalDecided(let record): try events.publish(LedgerAPI.proposalDecided, record)
                }
            }
        } catch {
            // Subscribers fill gaps from the chain itself; a lost event costs them a query.
            logger.warning("cannot publish the block's events", metadata: ["ledger.height": "\(header.height)", "error": "\(error)"])
        }
    }
}
