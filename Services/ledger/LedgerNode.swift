import Bus
import Consensus
import Credentials
import Foundation
import LedgerKit
import LedgerRules
import Logging
import Synchronization

/// Runs one data center's consensus core: the only place its `Replica` lives. Inputs (ticks,
/// peers' messages, clients' transactions, loaded blocks) queue up; each turn takes what is
/// queued, lets the core handle it, writes everything the core asked to persist in one durable
/// transaction, and only then sends, replies and announces, as the core's contract requires.
final class LedgerNode: Sendable {
    private let queue = Mutex<[Input]>([])
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    let store: LedgerStore
    let peers: Mutex<PeerLinks>
    let logger: Logger
    /// Fixed for the process: how to build the core for whichever membership is current.
    let setup: CoreSetup
    /// The membership the core runs in, and this data center's seat in it (nil: not seated).
    let seating: Mutex<Seating>
    let publish: @Sendable (CommittedBlock, [LedgerEvent]) -> Void
    let book: LedgerBook
    /// Transactions the core refused (before ordering or at execution), so `Ledger/GetTransaction` can say why.
    private let rejections = Mutex<[TransactionID: TransactionRejection]>([:])
    let state: Mutex<Progress>
    private let waiters = Mutex<[TransactionID: [(token: UUID, continuation: CheckedContinuation<SubmitOutcome, Never>)]]>([:])
    private let acceptances = Mutex<[TransactionID: [CheckedContinuation<SubmitOutcome, Never>]]>([:])
    let locations = Mutex<[TransactionID: TransactionLocation]>([:])
    /// The core; nil while this data center holds no seat (joining, or removed by vote).
    let replica: Mutex<Replica?>

    enum SubmitOutcome: Sendable {
        case accepted
        case committed(TransactionLocation)
        case rejected(TransactionRejection)
        case timedOut
    }

    /// What queries see of the core, updated after every turn.
    struct Progress: Sendable {
        var height: UInt64
        var tip: String
        var view: UInt64
        var viewActive: Bool
    }

    init(
        settings: LedgerSettings, store: LedgerStore, trust: LedgerTrust, maxMessageBytes: Int64, logger: Logger,
        publish: @escaping @Sendable (CommittedBlock, [LedgerEvent]) -> Void
    ) throws {
        let keys = try DataCenterKeys.readMembers(from: settings.membersPath)
        guard keys.count == settings.peers.count else {
            throw LedgerSetupError("\(settings.membersPath) has \(keys.count) data-center keys, ledger.peers lists \(settings.peers.count)")
        }
        let key = try MemberKey.readPrivateKey(from: settings.keyPath)
        if let index = settings.index, keys[index].rawRepresentation != key.publicKey.rawRepresentation {
            throw LedgerSetupError("the key \(settings.keyPath) is not data center \(index + 1)'s key in \(settings.membersPath)")
        }
        let blocks = try store.blocks()
        let founders = DataCenterSeat.founders(keys: keys, endpoints: settings.peers)
        let book = LedgerBook(policy: settings.governance, founders: founders, blocks: blocks)
        let check = LedgerEntryCheck(
            certificates: { trust.certificates },
            // The registry's revocations and the data centers' own votes both refuse a signer.
            isRevoked: { member in trust.isRevoked(member) || book.read { $0.revoked.contains(member) } },
            cache: book.cache
        )
        let setup = CoreSetup(
            key: key, consensus: settings.consensus, governance: settings.governance, founders: founders, check: check, cache: book.cache,
            maxMessageBytes: maxMessageBytes
        )
        self.setup = setup
        let seating = Seating.current(book: book, height: blocks.last?.height ?? 0, key: key)
        var known: [TransactionID: TransactionLocation] = [:]
        for block in blocks {
            for (position, transaction) in block.block.transactions.enumerated() {
                known[transaction.id] = TransactionLocation(height: block.height, index: position)
            }
        }
        let records = try Self.records(of: seating, in: store, executed: known)
        let replica = seating.index.map { _ in setup.replica(seating, restoring: records, blocks: blocks) }
        self.book = book
        self.seating = Mutex(seating)
        peers = Mutex(try PeerLinks(seats: seating.seats, own: seating.index, maxMessageBytes: maxMessageBytes, logger: logger))
        self.store = store
        self.logger = logger
        self.publish = publish
        self.replica = Mutex(replica)
        let last = blocks.last
        state = Mutex(Progress(height: last?.height ?? 0, tip: last?.block.header.hash.hex ?? "", view: replica?.view ?? 0, viewActive: replica?.viewActive ?? false))
        locations.withLock { $0 = known }
        (wake, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    private func feed(_ input: Input) {
        queue.withLock { $0.append(input) }
        wakeUp.yield()
    }

    var progress: Progress { state.withLock { $0 } }

    func deliver(_ messages: [SignedMessage]) {
        for message in messages { feed(.message(message)) }
    }

    /// Submits a transaction. The answer comes after the turn that handled it, so `accepted` means
    /// the core checked its signature and the record of it is on disk; with `wait`, after its commit
    /// (or `timedOut` when `timeout` passes first).
    func submit(_ transaction: Transaction, wait: Bool, timeout: Duration) async -> SubmitOutcome {
        let id = transaction.id
        if let location = location(of: id) { return .committed(location) }
        rejections.withLock { _ = $0.removeValue(forKey: id) }
        let outcome = await withCheckedContinuation { continuation in
            acceptances.withLock { $0[id, default: []].append(continuation) }
            feed(.submit(transaction))
        }
        guard wait, case .accepted = outcome else { return outcome }
        return await commit(of: id, timeout: timeout)
    }

    private func commit(of id: TransactionID, timeout: Duration) async -> SubmitOutcome {
        let token = UUID()
        return await withCheckedContinuation { continuation in
            waiters.withLock { $0[id, default: []].append((token, continuation)) }
            // Registered first, so a commit cannot slip between the check and the wait.
            if let location = location(of: id) { resolve(id, .committed(location)) }
            Task {
                try? await Task.sleep(for: timeout)
                let expired = waiters.withLock { waiting -> CheckedContinuation<SubmitOutcome, Never>? in
                    guard let index = waiting[id]?.firstIndex(where: { $0.token == token }) else { return nil }
                    return waiting[id]?.remove(at: index).continuation
                }
                expired?.resume(returning: .timedOut)
            }
        }
    }

    func location(of id: TransactionID) -> TransactionLocation? { locations.withLock { $0[id] } }

    func rejection(of id: TransactionID) -> TransactionRejection? { rejections.withLock { $0[id] } }

    func blocks(from: UInt64, through: UInt64) throws -> [CommittedBlock] { try store.blocks(from: from, through: through) }

    /// The core's clock.
    func tick(every interval: Duration) async {
        while !Task.isCancelled {
            feed(.tick(nowMilliseconds: UInt64(Date().unixMilliseconds)))
            try? await Task.sleep(for: interval)
        }
    }

    /// The turn loop. Runs until the task is cancelled.
    func run() async {
        for await _ in wake {
            // Everything queued is handled in one turn, so one durable write covers many inputs.
            let queued = queue.withLock { inputs in
                defer { inputs.removeAll(keepingCapacity: true) }
                return inputs
            }
            guard !queued.isEmpty else { continue }
            let actions = replica.withLock { replica -> [Action] in
                guard replica != nil else { return [] }
                var actions: [Action] = []
                for input in queued { actions += replica!.handle(input) }
                return actions
            }
            do {
                try await carryOut(actions)
            } catch {
                // Nothing after an unwritten record may happen: stop rather than act on lost state.
                logger.critical("cannot write the ledger store; stopping", metadata: ["error": "\(error)"])
                exit(1)
            }
            answerSubmissions(queued, actions, seated: seating.withLock { $0.index != nil })
            switchMembershipIfDue()
            replica.withLock { replica in
                state.withLock { $0.view = replica?.view ?? 0; $0.viewActive = replica?.viewActive ?? false }
            }
        }
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
        let store = self.store
        try await Task.detached { [records, committed] in try store.append(records: records, blocks: committed) }.value
        // Queries see a block's effects before anyone is told it committed.
        let changes = committed.map { book.apply($0) }
        var broadcasts: [SignedMessage] = []
        var direct: [Int: [SignedMessage]] = [:]
        for action in actions {
            switch action {
            case let .send(to, message): direct[to.index, default: []].append(message)
            case let .broadcast(message): broadcasts.append(message)
            case let .transactionCommitted(id, location):
                locations.withLock { $0[id] = location }
                resolve(id, .committed(location))
            case let .transactionRejected(id, reason):
                book.cache.forget(id)
                rejections.withLock { rejected in
                    // Kept for queries, but not without bound: forgotten all at once when it fills.
                    if rejected.count >= 10_000 { rejected.removeAll() }
                    rejected[id] = reason
                }
                resolve(id, .rejected(reason))
            case let .loadBlocks(peer, range):
                let blocks = (try? store.blocks(from: range.from, through: range.through)) ?? []
                feed(.blocksLoaded(for: peer, LedgerLimits.fitting(blocks)))
            case let .viewChanged(view, primary, active):
                logger.notice("view changed", metadata: ["ledger.view": "\(view)", "ledger.primary": "\(primary.index)", "ledger.active": "\(active)"])
            case .persist, .committed: break
            }
        }
        if let last = committed.last {
            state.withLock { $0.height = last.height; $0.tip = last.block.header.hash.hex }
        }
        peers.withLock { $0 }.send(broadcasts: broadcasts, direct: direct)
        for (block, events) in zip(committed, changes) { publish(block, events) }
    }

    func resolve(_ id: TransactionID, _ outcome: SubmitOutcome) {
        let waiting = waiters.withLock { $0.removeValue(forKey: id) } ?? []
        for waiter in waiting { waiter.continuation.resume(returning: outcome) }
    }

    /// After the turn (its records durable): each submission of it learns whether it was taken.
    private func answerSubmissions(_ inputs: [Input], _ actions: [Action], seated: Bool) {
        var outcomes: [TransactionID: SubmitOutcome] = [:]
        for action in actions {
            switch action {
            case let .transactionRejected(id, reason): outcomes[id] = .rejected(reason)
            case let .transactionCommitted(id, location): outcomes[id] = .committed(location)
            default: break
            }
        }
        for input in inputs {
            guard case .submit(let transaction) = input else { continue }
            let id = transaction.id
            let waiting = acceptances.withLock { $0.removeValue(forKey: id) } ?? []
            let unseated = TransactionRejection(code: 14, reason: "this data center holds no seat in the consensus membership now; submit to another")
            for continuation in waiting { continuation.resume(returning: outcomes[id] ?? (seated ? .accepted : .rejected(unseated))) }
        }
    }
}

struct LedgerSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
