import Consensus
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules
import Logging

/// One data center: the only place its consensus core lives, and the one owner of everything that
/// changes with it (the core, the membership it runs in, where recent transactions landed, who
/// waits for them, what each submitter has in flight). Every input reaches it through `mailbox`
/// and is handled by `turn`, which only the turn loop calls, one turn at a time: so a membership
/// switch, a catch-up batch and the core's own blocks never interleave. The other methods only read, or register a waiter and post an input.
///
/// Each turn takes what is queued, lets the core handle it, writes everything the core asked to
/// persist in one durable transaction, and only then sends, replies and announces, as the core's
/// contract requires.
actor LedgerNode {
    nonisolated let mailbox = Mailbox<NodeInput>()
    /// The shell's copy of the rules at the certified tip: what queries read.
    nonisolated let book: LedgerBook
    nonisolated let store: LedgerStore
    let setup: CoreSetup
    let links: PeerLinks
    let announcer: BlockAnnouncer
    let logger: Logger

    /// The core; nil while this data center holds no seat (joining, or removed by vote).
    var replica: Replica?
    var seating: Seating
    /// The last block stored here with its certificate.
    var chain: ChainAnchor
    /// Where the transactions of the recent certified heights are; older ones are in the store.
    private var locations: RecentLocations
    /// Every committed id, approximately: which ids may be in the store.
    private var filter: TransactionFilter
    /// Each submitter's rate and transactions in flight at this data center.
    private var limiter: SubmitterLimiter
    /// Transactions the core refused (before ordering or at execution), so `Ledger/GetTransaction` can say why.
    private var rejections: [TransactionID: TransactionRejection] = [:]
    private var waiters: [TransactionID: [CommitWaiter]] = [:]
    /// Set once the turn loop has ended: nothing waits for a turn any more.
    private var stopped = false

    private struct CommitWaiter {
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<CommitWait, Never>
    }

    /// How a wait for a commit ends.
    enum CommitWait: Sendable {
        case committed(TransactionLocation)
        case timedOut
        case stopping
    }

    /// What `Ledger/Status` reports.
    struct NodeStatus: Sendable {
        let index: Int?
        let height: UInt64
        let tip: String
        let view: UInt64
        let primary: Int
        let viewActive: Bool
        let dataCenters: Int
    }

    init(
        setup: CoreSetup, book: LedgerBook, store: LedgerStore, links: PeerLinks, announcer: BlockAnnouncer, logger: Logger,
        replica: Replica?, seating: Seating, chain: ChainAnchor, locations: RecentLocations, filter: TransactionFilter, limits: SubmitLimits
    ) {
        self.setup = setup
        self.book = book
        self.store = store
        self.links = links
        self.announcer = announcer
        self.logger = logger
        self.replica = replica
        self.seating = seating
        self.chain = chain
        self.locations = locations
        self.filter = filter
        limiter = SubmitterLimiter(limits: limits)
    }

    // MARK: Inputs from other tasks

    /// A peer's delivery, `bytes` long as it arrived: dropped if too much already waits for a turn.
    nonisolated func deliver(_ messages: [SignedMessage], bytes: Int) {
        mailbox.postDelivery(messages.map { .core(.message($0)) }, bytes: bytes)
    }

    /// The core's clock.
    nonisolated func tick(nowMilliseconds: UInt64) {
        mailbox.post(.core(.tick(nowMilliseconds: nowMilliseconds)))
    }

    /// Hands a transaction to the core, if its submitter is within its limits here (its signature
    /// was checked: a forged one must not spend another's allowance). The answer comes after the
    /// turn that handled it, so `accepted` means the core checked it and the record of it is on
    /// disk; from then on it counts as in flight until it commits or is refused.
    func submit(_ transaction: Transaction) async throws -> SubmitOutcome {
        guard !stopped else { return .refused(.stopping) }
        if let location = try await location(of: transaction.id) { return .committed(location) }
        let now = UInt64(clamping: Date().unixMilliseconds)
        if let limit = limiter.admit(transaction.id, submitter: transaction.submitter, now: now) { return .refused(limit) }
        rejections[transaction.id] = nil
        let outcome = await withCheckedContinuation { mailbox.post(.submit(transaction, reply: $0)) }
        if outcome != .accepted { limiter.settle(transaction.id) }
        return outcome
    }

    /// Waits until the transaction is committed here, at most `timeout`.
    func commit(of id: TransactionID, within timeout: Duration) async throws -> CommitWait {
        if let location = try await location(of: id) { return .committed(location) }
        guard !stopped else { return .stopping }
        return await withCheckedContinuation { continuation in
            waiters[id, default: []].append(CommitWaiter(deadline: .now + timeout, continuation: continuation))
        }
    }

    /// Hands catch-up's batch to the next turn; returns what to download next.
    func catchUp(_ blocks: [CommittedBlock], after height: UInt64) async -> CatchUpVerdict {
        guard !stopped else { return .done }
        return await withCheckedContinuation { mailbox.post(.downloaded(DownloadedBlocks(blocks: blocks, after: height, reply: $0))) }
    }

    // MARK: Reads

    /// Where a committed transaction is: recent ones from memory, older ones from the store
    /// (asked only when the filter says the id may be there).
    func location(of id: TransactionID) async throws -> TransactionLocation? {
        if let location = locations.location(of: id) { return location }
        guard filter.mayContain(id) else { return nil }
        return try await store.locations(of: [id])[id]
    }

    func rejection(of id: TransactionID) -> TransactionRejection? { rejections[id] }

    func status() -> NodeStatus {
        let view = replica?.view ?? 0
        return NodeStatus(
            index: seating.index, height: chain.height, tip: chain.height == 0 ? "" : chain.headerHash.hex, view: view,
            primary: seating.primary(of: view), viewActive: replica?.viewActive ?? false, dataCenters: seating.seats.count
        )
    }

    /// What the node holds in memory, collection by collection (see `MemoryGauges`).
    func footprint() -> [(name: String, value: Int)] {
        var counts = (replica?.footprint ?? ReplicaFootprint()).counts.map { (name: "core.\($0.name)", value: $0.value) }
        counts += [
            ("recent_locations", locations.count), ("rejections", rejections.count),
            ("waiters", waiters.values.reduce(0) { $0 + $1.count }), ("submit.in_flight", limiter.inFlight), ("submit.submitters", limiter.submitters),
        ]
        counts += book.cache.counts.map { (name: "cache.\($0.name)", value: $0.value) }
        return counts
    }

    /// Holds a seat and orders with the others.
    var isSeated: Bool { !stopped && seating.isSeated }

    /// Without a seat the node follows the chain by downloading it (see `CatchUpLoop`).
    var followsChain: Bool { !stopped && !seating.isSeated }

    /// The next height catch-up asks for.
    var nextHeight: UInt64 { chain.height + 1 }

    var catchUpSources: [String] { CatchUp.sources(memberships: book.read(\.memberships)) }

    // MARK: The turn

    /// Handles `inputs`, in order. Throws only when the store cannot be written (nothing after an
    /// unwritten record may happen) or a new membership's core cannot be built: the data center stops.
    func turn(_ inputs: [NodeInput]) async throws {
        let inputs = try await withoutReplays(inputs)
        guard !inputs.isEmpty else { return }
        var actions: [Action] = []
        var submissions: [(id: TransactionID, reply: CheckedContinuation<SubmitOutcome, Never>)] = []
        var downloads: [DownloadedBlocks] = []
        var ticked = false
        for input in inputs {
            switch input {
            case .core(let input):
                if case .tick = input { ticked = true }
                actions += replica?.handle(input) ?? []
            case let .submit(transaction, reply):
                actions += replica?.handle(.submit(transaction)) ?? []
                submissions.append((transaction.id, reply))
            case .downloaded(let batch):
                downloads.append(batch)
            }
        }
        let seated = seating.isSeated
        do {
            try await carryOut(actions)
        } catch {
            for submission in submissions { submission.reply.resume(returning: .refused(.stopping)) }
            for batch in downloads { batch.reply.resume(returning: .done) }
            throw error
        }
        answer(submissions, actions, seated: seated)
        if ticked { expireWaiters(now: .now) }
        var pending = downloads[...]
        do {
            try await switchIfDue()
            while let batch = pending.first {
                let verdict = try await take(batch)
                pending = pending.dropFirst()
                batch.reply.resume(returning: verdict)
            }
        } catch {
            for batch in pending { batch.reply.resume(returning: .done) }
            throw error
        }
    }

    /// The inputs without relayed requests and pre-prepares that carry a transaction committed
    /// before the recent window: the core remembers executed ids for that window only, so such a
    /// replay (by a faulty data center) must not reach it, or it would be ordered again. Rare:
    /// the store is asked only about ids the filter may hold and memory does not.
    private func withoutReplays(_ inputs: [NodeInput]) async throws -> [NodeInput] {
        var candidates: [TransactionID] = []
        for input in inputs {
            for id in Self.relayedTransactions(in: input) where locations.location(of: id) == nil && filter.mayContain(id) { candidates.append(id) }
        }
        guard !candidates.isEmpty else { return inputs }
        let stored = try await store.locations(of: candidates)
        guard !stored.isEmpty else { return inputs }
        logger.warning("dropped messages replaying transactions committed long ago", metadata: ["ledger.transactions": "\(stored.count)"])
        return inputs.filter { input in Self.relayedTransactions(in: input).allSatisfy { stored[$0] == nil } }
    }

    private static func relayedTransactions(in input: NodeInput) -> [TransactionID] {
        guard case .core(.message(let message)) = input else { return [] }
        switch message.message {
        case .request(let transaction): return [transaction.id]
        case .prePrepare(let proposal): return proposal.batch.transactions.map(\.id)
        default: return []
        }
    }

    /// After the turn loop ended: every waiter and queued input is answered, as the data center stops.
    func stop() {
        stopped = true
        for input in mailbox.drain() {
            switch input {
            case .submit(_, let reply): reply.resume(returning: .refused(.stopping))
            case .downloaded(let batch): batch.reply.resume(returning: .done)
            case .core: break
            }
        }
        for waiting in waiters.values {
            for waiter in waiting { waiter.continuation.resume(returning: .stopping) }
        }
        waiters = [:]
    }

    private func carryOut(_ actions: [Action]) async throws {
        var records: [PersistedRecord] = []
        var committed: [CommittedBlock] = []
        for action in actions {
            switch action {
            case .persist(let record): records.append(record)
            case .committed(let block): committed.append(block)
            default: break
            }
        }
        try await store.append(records: records, blocks: committed)
        // Queries see a block's effects before anyone is told it committed.
        let changes = committed.map { book.apply($0) }
        if let last = committed.last { chain = ChainAnchor(height: last.height, headerHash: last.block.header.hash) }
        var broadcasts: [SignedMessage] = []
        var direct: [Int: [SignedMessage]] = [:]
        var loads: [(peer: ReplicaID, range: BlockRange)] = []
        for action in actions {
            switch action {
            case let .send(to, message): direct[to.index, default: []].append(message)
            case let .broadcast(message): broadcasts.append(message)
            case let .transactionCommitted(id, location): recordCommit(id, at: location)
            case let .transactionRejected(id, reason):
                book.cache.forget(id)
                limiter.settle(id)
                // Kept for queries, but not without bound: forgotten all at once when it fills.
                if rejections.count >= 10_000 { rejections.removeAll() }
                rejections[id] = reason
            case let .loadBlocks(peer, range): loads.append((peer, range))
            case let .viewChanged(view, primary, active):
                logger.notice("view changed", metadata: ["ledger.view": "\(view)", "ledger.primary": "\(primary.index)", "ledger.active": "\(active)"])
            case .persist, .committed: break
            }
        }
        links.send(broadcasts: broadcasts, direct: direct, seating: seating)
        for (block, events) in zip(committed, changes) { announcer.announce(block, events) }
        // A peer catching up: its blocks come back to the core in a later turn.
        for load in loads {
            let span = load.range.through >= load.range.from ? load.range.through - load.range.from : 0
            let blocks: [CommittedBlock]
            do {
                blocks = try await store.page(
                    from: load.range.from, through: load.range.through, limit: Int(min(span, LedgerLimits.blocksPerReply - 1)) + 1,
                    maxTransactionBytes: LedgerLimits.maxBlockBytes
                )
            } catch {
                logger.warning("cannot read blocks a data center asked for", metadata: ["ledger.from": "\(load.range.from)", "error": "\(error)"])
                blocks = []
            }
            mailbox.post(.core(.blocksLoaded(for: load.peer, blocks)))
        }
    }

    /// After the turn (its records durable): each submission of it learns whether it was taken.
    private func answer(_ submissions: [(id: TransactionID, reply: CheckedContinuation<SubmitOutcome, Never>)], _ actions: [Action], seated: Bool) {
        guard !submissions.isEmpty else { return }
        var rejected: [TransactionID: TransactionRejection] = [:]
        var committed: [TransactionID: TransactionLocation] = [:]
        for action in actions {
            switch action {
            case let .transactionRejected(id, reason): rejected[id] = reason
            case let .transactionCommitted(id, location): committed[id] = location
            default: break
            }
        }
        for submission in submissions {
            submission.reply.resume(returning: SubmitPolicy.answer(rejected: rejected[submission.id], committedAt: committed[submission.id], seated: seated))
        }
    }

    /// A transaction is in a stored block: remembered, and its waiters told.
    func recordCommit(_ id: TransactionID, at location: TransactionLocation) {
        locations.record(id, at: location)
        filter.insert(id)
        limiter.settle(id)
        for waiter in waiters.removeValue(forKey: id) ?? [] { waiter.continuation.resume(returning: .committed(location)) }
    }

    private func expireWaiters(now: ContinuousClock.Instant) {
        for (id, waiting) in waiters where waiting.contains(where: { $0.deadline <= now }) {
            for waiter in waiting where waiter.deadline <= now { waiter.continuation.resume(returning: .timedOut) }
            let left = waiting.filter { $0.deadline > now }
            waiters[id] = left.isEmpty ? nil : left
        }
    }
}
