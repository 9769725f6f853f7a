import Bus
import Contracts
import Foundation
import LedgerKit
import LedgerRules
import Logging
import Messages
import RegistryLink
import ServiceKit
import Storage

/// The desk's last step, as a `FollowerSource` over the ledger: the contracts a data center
/// recorded naming the trading center (`Ledger/ListContracts` from the desk's durable height
/// cursor, woken by `ContractCommitted`). Each one the desk submitted is marked committed at its
/// height; the cursor moves past the page in the same transactions, so none is missed.
struct CommittedContracts: FollowerSource {
    static let cursorName = "ledger-height"

    /// One page of the ledger's contracts, and where the next begins.
    struct Page: Sendable {
        var contracts: [ContractRecord]
        var nextHeight: UInt64
    }

    let store: SQLiteStore
    let identity: ServiceIdentity
    let ledger: RPCClient
    let submitter: DraftSubmitter

    func next() async throws -> [Page] {
        guard let tradingCenter = identity.current?.memberID else { return [] }
        let from = UInt64(max(0, try await store.read { try DeskStore.cursor(Self.cursorName, $0) }))
        let list = try await ledger.call(LedgerAPI.listContracts, ContractListQuery(memberId: tradingCenter, fromHeight: from, limit: 500))
        guard !list.contracts.isEmpty else { return [] }
        // A height is never split between pages; without a next page, everything through `height` is read.
        return [Page(contracts: list.contracts, nextHeight: list.nextFromHeight ?? list.height + 1)]
    }

    func handle(_ page: Page) async throws {
        let ids = page.contracts.map(\.contractId)
        let waiting = try await store.read { db in try ids.compactMap { try DeskStore.draft($0, db) }.filter { $0.status == .submitting } }
        for draft in waiting {
            guard let recorded = page.contracts.first(where: { $0.contractId == draft.contractId }) else { continue }
            try await submitter.committed(draft, height: recorded.height, transactionId: recorded.transactionId)
        }
        try await store.change { db in try DeskStore.advance(Self.cursorName, to: Int64(page.nextHeight), db) }
    }
}
