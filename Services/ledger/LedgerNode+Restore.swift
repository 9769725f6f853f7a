import Consensus
import Credentials
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules
import Logging
import ServiceKit

extension LedgerNode {
    /// The node as its store left it: the chain replayed a page at a time (the shell's rules and
    /// where each transaction is), the membership the chain says orders the next block, and, when
    /// that seats this data center, its core restored from the chain and the log.
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
        let check = LedgerEntryCheck(
            certificates: { trust.certificates },
            // The registry's revocations and the data centers' own votes both refuse a signer.
            isRevoked: { member in trust.isRevoked(member) || book.read { $0.revoked.contains(member) } },
            cache: book.cache
        )
        let setup = CoreSetup(key: key, consensus: settings.consensus, governance: settings.governance, founders: founders, check: check, cache: book.cache)

        var locations: [TransactionID: TransactionLocation] = [:]
        var chain = ChainAnchor.genesis
        try await store.forEachPage { page in
            for block in page {
                _ = book.apply(block)
                for (position, transaction) in block.block.transactions.enumerated() {
                    locations[transaction.id] = TransactionLocation(height: block.height, index: position)
                }
                chain = ChainAnchor(height: block.height, headerHash: block.block.header.hash)
            }
        }
        let seating = Seating.ordering(after: chain.height, memberships: book.read(\.memberships), ownKey: setup.ownKey)
        let log = MembershipSwitch.restartLog(
            records: try await store.records(), loggedBase: try await store.membershipBase(), seating: seating, isExecuted: { locations[$0] != nil }
        )
        if case .replace(let snapshot) = log {
            logger.notice("the stored log belongs to an earlier membership; starting the current one's", metadata: ["ledger.height": "\(chain.height)"])
            try await store.startMembership(after: seating.baseHeight, with: snapshot)
        }
        let replica = seating.isSeated ? try await setup.restore(seating, records: log.records, from: store) : nil
        links.retain(seating)
        return LedgerNode(
            setup: setup, book: book, store: store, links: links, announcer: announcer, logger: logger,
            replica: replica, seating: seating, chain: chain, locations: locations
        )
    }
}
