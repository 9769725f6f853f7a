import Bus
import Consensus
import Crypto
import Foundation
import LedgerKit
import LedgerRules
import Logging

/// What the node needs to build a core for any membership.
struct CoreSetup: Sendable {
    let key: P256.Signing.PrivateKey
    let consensus: Consensus.Configuration
    let governance: GovernancePolicy
    let founders: [DataCenterSeat]
    let check: LedgerEntryCheck
    let cache: LedgerEntryCache
    let maxMessageBytes: Int64

    /// A core for `seating` (which must seat this node), restored from the stored chain.
    func replica(_ seating: Seating, restoring records: [PersistedRecord], blocks: [CommittedBlock]) -> Replica {
        var configuration = consensus
        configuration.replicaCount = seating.seats.count
        configuration.baseHeight = seating.baseHeight
        let keys = seating.seats.compactMap(\.verificationKey)
        return Replica(
            configuration: configuration, id: ReplicaID(seating.index ?? 0), signer: P256MessageSigner(privateKey: key),
            verifier: P256SignatureVerifier(dataCenterKeys: keys), transactionVerifier: check,
            rules: LedgerRules(policy: governance, founders: founders, cache: cache), restoring: records, committedBlocks: blocks
        )
    }
}

/// The membership that orders the blocks after `baseHeight`, and this node's seat in it.
struct Seating: Sendable, Equatable {
    let seats: [DataCenterSeat]
    let baseHeight: UInt64
    let index: Int?

    /// The membership ordering the block after `height`, by the chain's own record of passed changes.
    static func current(book: LedgerBook, height: UInt64, key: P256.Signing.PrivateKey) -> Seating {
        let own = key.publicKey.x963Representation.base64EncodedString()
        let membership = book.read { $0.membership(ordering: height + 1) }
        return Seating(seats: membership.seats, baseHeight: membership.after, index: membership.seats.firstIndex { $0.publicKey == own })
    }
}

extension LedgerNode {
    /// The stored log, if it belongs to `seating`'s membership. A data center that stopped after
    /// the block that ended a membership and before its switch was written holds the old
    /// membership's log, which means nothing to the new one: it is replaced as a switch replaces
    /// it, the clients' waiting transactions carried over.
    static func records(of seating: Seating, in store: LedgerStore, executed: [TransactionID: TransactionLocation]) throws -> [PersistedRecord] {
        let records = try store.records()
        guard try store.membershipBase() != seating.baseHeight else { return records }
        var waiting: [Transaction] = []
        for record in records {
            switch record {
            case .transaction(let transaction): waiting.append(transaction)
            case .snapshot(let snapshot): waiting = snapshot.transactions
            default: break
            }
        }
        var seen = Set<TransactionID>()
        let carried = waiting.filter { executed[$0.id] == nil && seen.insert($0.id).inserted }
        let snapshot = Snapshot(view: 0, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: carried)
        try store.startMembership(after: seating.baseHeight, with: snapshot)
        return [.snapshot(snapshot)]
    }

    var index: Int? { seating.withLock { $0.index } }
    var dataCenters: Int { seating.withLock { $0.seats.count } }

    /// After a turn: once the last block of a membership is certified here, the next membership's
    /// core takes over (view 0, its own keys and quorum, log empty), with this node's waiting
    /// transactions; a data center voted out stops ordering and keeps serving reads.
    func switchMembershipIfDue() {
        let height = state.withLock { $0.height }
        let next = Seating.current(book: book, height: height, key: setup.key)
        let current = seating.withLock { $0 }
        guard next.baseHeight != current.baseHeight else { return }
        do {
            let carried = replica.withLock { $0?.waitingTransactions ?? [] }
            // A fresh snapshot replaces every record of the old membership's log.
            let snapshot = Snapshot(view: 0, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: carried)
            try store.startMembership(after: next.baseHeight, with: snapshot)
            let blocks = try store.blocks()
            let core = next.index.map { _ in setup.replica(next, restoring: [.snapshot(snapshot)], blocks: blocks) }
            let links = try PeerLinks(seats: next.seats, own: next.index, maxMessageBytes: setup.maxMessageBytes, logger: logger)
            replica.withLock { $0 = core }
            peers.withLock { $0 = links }
            seating.withLock { $0 = next }
            // Voted out: its waiting transactions go to a data center that still orders (their
            // waiters here are answered as the chain it follows brings them), and from now on it
            // follows the chain as any reader does.
            if next.index == nil {
                let seats = next.seats.map(\.endpoint)
                Task { [logger, maxMessageBytes = setup.maxMessageBytes] in
                    await Self.handOver(carried, to: seats, maxMessageBytes: maxMessageBytes, logger: logger)
                }
                Task { await catchUp() }
            }
            logger.notice(
                next.index == nil ? "the membership changed without this data center; it stops ordering" : "the consensus membership changed",
                metadata: [
                    "ledger.height": "\(height)", "ledger.data_centers": "\(next.seats.map(\.name).joined(separator: ","))",
                    "ledger.index": "\(next.index.map(String.init) ?? "none")",
                ]
            )
        } catch {
            logger.critical("cannot switch to the new membership; stopping", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    private static func handOver(_ transactions: [Transaction], to endpoints: [String], maxMessageBytes: Int64, logger: Logger) async {
        guard !transactions.isEmpty else { return }
        for endpoint in endpoints {
            guard let client = try? RPCClient(endpoint: endpoint, maxMessageBytes: maxMessageBytes) else { continue }
            defer { client.close() }
            var handed = 0
            for transaction in transactions {
                if (try? await client.call(LedgerAPI.submit, SubmitRequest(transaction: transaction), deadline: .seconds(5))) != nil { handed += 1 }
            }
            if handed == transactions.count { return }
            logger.warning("a data center took only part of the handed-over transactions", metadata: ["ledger.peer": "\(endpoint)"])
        }
    }

    /// A data center admitted by vote starts without a seat in the founders' membership: it
    /// downloads the chain from the seated data centers, checking every block against the
    /// membership that certified it (as the chain itself records it), until the chain seats it.
    func catchUp() async {
        while !Task.isCancelled, seating.withLock({ $0.index == nil }) {
            let endpoints = book.read { rules in Array(Set(rules.memberships.flatMap(\.seats).map(\.endpoint))) }
            for endpoint in endpoints.sorted() {
                do {
                    try await download(from: endpoint)
                } catch {
                    logger.debug("catch-up from a data center failed", metadata: ["ledger.peer": "\(endpoint)", "error": "\(error)"])
                }
                switchMembershipIfDue()
                if seating.withLock({ $0.index != nil }) { return }
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    private func download(from endpoint: String) async throws {
        let client = try RPCClient(endpoint: endpoint, maxMessageBytes: setup.maxMessageBytes)
        defer { client.close() }
        while true {
            let height = state.withLock { $0.height }
            let blocks = try await client.call(LedgerAPI.getBlocks, BlockQuery(from: height + 1), deadline: .seconds(5)).blocks
            guard !blocks.isEmpty else { return }
            var anchor = ChainAnchor(height: height, headerHash: Hash256(hex: state.withLock { $0.tip }) ?? .zero)
            for block in blocks {
                let seats = book.read { $0.seats(at: block.height) }
                let keys = seats.compactMap(\.verificationKey)
                if case .failure(let defect) = ChainVerifier.verify(blocks: [block], verifier: P256SignatureVerifier(dataCenterKeys: keys), after: anchor) {
                    throw LedgerSetupError("block \(defect.height) from \(endpoint) does not verify: \(defect.problem)")
                }
                try store.append(records: [], blocks: [block])
                let changes = book.apply(block)
                for (position, transaction) in block.block.transactions.enumerated() {
                    let location = TransactionLocation(height: block.height, index: position)
                    locations.withLock { $0[transaction.id] = location }
                    resolve(transaction.id, .committed(location))
                }
                state.withLock { $0.height = block.height; $0.tip = block.block.header.hash.hex }
                publish(block, changes)
                anchor = ChainAnchor(height: block.height, headerHash: block.block.header.hash)
                // Seated from the next block on: the core takes over from here.
                if Seating.current(book: book, height: block.height, key: setup.key).index != nil { return }
            }
        }
    }
}
