import Consensus
import Credentials
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules
import Logging
import ServiceKit

extension LedgerNode {
    /// The node as its store left it: the chain replayed a page at a time (the shell's rules, where
    /// the recent transactions are and the filter of all of them), the membership the chain says
    /// orders the next block, and, when that seats this data center, its core restored from the
    /// chain and the log.
    static func open(
        settings: LedgerSettings, store: LedgerStore, trust: LedgerTrust, links: PeerLinks, announcer: BlockAnnouncer, logger: Logger
    ) async throws -> LedgerNode {
        for path in [settings.keyPath, settings.membersPath] where !FileManager.default.fileExists(atPath: path) {
            throw SettingsError("\(path) does not exist: make the data centers' keys with `gridtrade ledger keygen` (gridtrade up does it for a local cluster)")
        }
        let keys = try DataCenterKeys.readMembers(from: settings.membersPath)
        guard keys.count == settings.peers.count else {
            throw SettingsError("\(settings.membersPath) has \(keys.count) data-center keys, ledger.peers lists \(settings.peers.count)")
        }
        let key = try MemberKey.readPrivateKey(from: settings.keyPath)
        if let index = settings.index, !keys.indices.contains(index) || keys[index].rawRepresentation != key.publicKey.rawRepresentation {
            throw SettingsError("the key \(settings.keyPath) is not data center \(index + 1)'s key in \(settings.membersPath)")
        }
        let founders = DataCenterSeat.founders(keys: keys, endpoints: settings.peers)
        let book = LedgerBook(policy: settings.governance, founders: founders)
        // No revocations and no clock: what decides a transaction before ordering is the same at
        // every data center (revocations come in ledger order, time from the block's header).
        let check = LedgerEntryCheck(certificates: { trust.certificates }, cache: book.cache)
        let setup = CoreSetup(key: key, consensus: settings.consensus, governance: settings.governance, founders: founders, check: check, cache: book.cache)

        var locations = RecentLocations(window: Replica.executedWindow(for: settings.consensus))
        var filter = TransactionFilter()
        var chain = ChainAnchor.genesis
        try await store.forEachPage { page in
            for block in page {
                _ = book.apply(block)
                for (position, transaction) in block.block.transactions.enumerated() {
                    locations.record(transaction.id, at: TransactionLocation(height: block.height, index: position))
                    filter.insert(transaction.id)
                }
                chain = ChainAnchor(height: block.height, headerHash: block.block.header.hash)
            }
        }
        let seating = Seating.ordering(after: chain.height, memberships: book.read(\.memberships), ownKey: setup.ownKey)
        let records = try await store.records()
        let executed = try await store.locations(of: records.flatMap(\.clientTransactions).map(\.id))
        let log = MembershipSwitch.restartLog(
            records: records, loggedBase: try await store.membershipBase(), seating: seating, isExecuted: { executed[$0] != nil }
        )
        if case .replace(let snapshot) = log {
            logger.notice("the stored log belongs to an earlier membership; starting the current one's", metadata: ["ledger.height": "\(chain.height)"])
            try await store.startMembership(after: seating.baseHeight, with: snapshot)
        }
        let replica = seating.isSeated ? try await setup.restore(seating, records: log.records, from: store) : nil
        links.retain(seating)
        return LedgerNode(
            setup: setup, book: book, store: store, links: links, announcer: announcer, logger: logger,
            replica: replica, seating: seating, chain: chain, locations: locations, filter: filter, limits: settings.limits
        )
    }
}

private extension PersistedRecord {
    /// The clients' transactions a record holds.
    var clientTransactions: [Transaction] {
        switch self {
        case .transaction(let transaction): [transaction]
        case .snapshot(let snapshot): snapshot.transactions
        default: []
        }
    }
}
