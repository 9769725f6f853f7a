import Bus
import Contracts
import Credentials
import Foundation
import Messages
import RegistryLink
import ServiceKit
import Storage

/// The dispatch center. It takes the review's decisions in the review's order (events only wake
/// it; it reads `Review/ListDecisions` after its cursor, so none is skipped or taken twice),
/// checks each approved order's signed decision, places the order's MW on the network on top of
/// every order accepted before it, and signs, stores and publishes the result.
final class DispatchService: Sendable {
    private let host: BusHost
    private let store: SQLiteStore
    private let registry: RegistryLink
    private let review: RPCClient
    private let reviewEvents: EventSubscriber
    private let identity: ServiceIdentity
    private let desk: NetworkDesk
    private let pollInterval: Duration
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation

    init(host: BusHost) throws {
        self.host = host
        let config = host.settings.config
        store = try DispatchStore.open(path: URL(fileURLWithPath: host.settings.dataDirectory).appendingPathComponent("dispatch.sqlite").path)
        registry = try RegistryLink(settings: host.settings, logger: host.logger)
        review = try RPCClient(endpoint: config.string(forKey: "review.endpoint", default: "tcp://127.0.0.1:7121"))
        reviewEvents = try EventSubscriber(endpoint: config.string(forKey: "review.events", default: "tcp://127.0.0.1:7122"), rpc: review)
        identity = try ServiceIdentity(settings: host.settings, role: .dispatchCenter, logger: host.logger)
        let security = config.string(forKey: "dispatch.security", default: "n-1")
        guard security == "n-1" || security == "base" else { throw SettingsError("dispatch.security must be n-1 or base, not '\(security)'") }
        guard let casePath = config.string(forKey: "dispatch.case") ?? NetworkDesk.bundledCase() else {
            throw SettingsError("dispatch.case (GRIDTRADE_DISPATCH_CASE) must name a MATPOWER case file; none found at \(NetworkDesk.bundledCaseLocations.joined(separator: ", "))")
        }
        do {
            desk = try NetworkDesk(casePath: casePath, nMinus1: security == "n-1")
        } catch {
            throw SettingsError("dispatch.case '\(casePath)': \(error)")
        }
        pollInterval = .milliseconds(config.int(forKey: "dispatch.poll.ms", default: 2_000))
        (wake, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func start() async throws {
        host.server.register(DispatchAPI.getResult) { [store] query, _ in
            guard let record = try await store.read({ try DispatchStore.result(query.orderId, $0) }) else {
                throw RPCError(.notFound, "no security check for trade order '\(query.orderId)'")
            }
            return record
        }
        host.server.register(DispatchAPI.listResults) { [store] query, _ in
            let limit = min(max(query.limit ?? 500, 1), 5_000)
            return CheckList(results: try await store.read { try DispatchStore.results(after: query.afterSeq ?? 0, limit: limit, $0) })
        }
        host.server.register(DispatchAPI.getNetwork) { [desk] _, _ in desk.summary }
        let countersign = ContractCountersign(store: store, registry: registry, identity: identity)
        host.server.register(DispatchAPI.signContract) { request, context in try await countersign.sign(request, context: context) }
        // The network must carry what was accepted before; on another case file that cannot be known.
        do {
            let replayed = try desk.replay(try await store.read { try DispatchStore.results(after: 0, limit: .max, $0) })
            host.logger.info("network case loaded", metadata: ["network.name": "\(desk.identity.name)", "dispatch.replayed": "\(replayed)"])
        } catch let error as ReplayMismatch {
            throw SettingsError("dispatch.case: \(error)")
        }
        Task { [self] in
            await registry.connect()
            await identity.acquire(from: registry, logger: host.logger)
            await withDiscardingTaskGroup { group in
                group.addTask { await self.work() }
                group.addTask { await self.listen() }
                group.addTask {
                    while !Task.isCancelled {
                        self.wakeUp.yield()
                        try? await Task.sleep(for: self.pollInterval)
                    }
                }
            }
        }
    }

    /// Review's events only say "there is more".
    private func listen() async {
        while !Task.isCancelled {
            do {
                for try await _ in reviewEvents.subscribe(ReviewAPI.orderReviewed) { wakeUp.yield() }
            } catch {
                host.logger.warning("review's events interrupted; resubscribing", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func work() async {
        for await _ in wake {
            do {
                while try await step() {}
            } catch {
                host.logger.warning("security checks postponed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Handles the next decisions after the cursor; true if there may be more.
    private func step() async throws -> Bool {
        guard let signer = identity.current, let authority = registry.authority else { return false }
        let cursor = try await store.read { try DispatchStore.reviewCursor($0) }
        let page = try await review.call(ReviewAPI.listDecisions, DecisionListQuery(afterSeq: cursor, limit: 100)).decisions
        for record in page {
            let decision: ReviewDecision
            do {
                decision = try StatementSignature.verify(
                    record.statement, as: ReviewDecision.self, kind: SignedStatement.Kind.reviewDecision, role: .tradingCenter, authority: authority,
                    now: Date(unixMilliseconds: record.decision.reviewedAtMs)
                )
            } catch {
                // Not the trading center's word: nothing goes on the network for it.
                host.logger.error("review decision refused", metadata: ["review.seq": "\(record.seq)", "error": "\(error)"])
                try await store.change { db in try DispatchStore.advance(to: record.seq, db) }
                continue
            }
            guard decision.status == .approved else {
                try await store.change { db in try DispatchStore.advance(to: record.seq, db) }
                continue
            }
            try await check(decision, reviewSeq: record.seq, signer: signer)
        }
        return page.count == 100
    }

    private func check(_ decision: ReviewDecision, reviewSeq: Int64, signer: MemberSigner) async throws {
        let order = decision.order
        let sellerBus = try await registry.member(order.seller)?.generator?.bus
        let buyerBus = try await registry.member(order.buyer)?.consumer?.bus
        let placed = desk.check(order, sellerBus: sellerBus, buyerBus: buyerBus)
        let result = SecurityCheckResult(
            orderId: order.id, reviewSeq: reviewSeq, seller: order.seller, buyer: order.buyer, sellerBus: sellerBus, buyerBus: buyerBus,
            status: placed.status, requestedMwh: order.mwh, acceptedMwh: placed.months.reduce(0) { $0 + $1.acceptedMwh },
            months: placed.months, reason: placed.reason, nMinus1: desk.nMinus1, network: desk.identity,
            checkedAtMs: Date().unixMilliseconds, checker: signer.memberID
        )
        let statement = try StatementSignature.sign(result, kind: SignedStatement.Kind.securityCheck, by: signer)
        let record = try await store.change { db -> SignedSecurityCheck in
            let record = SignedSecurityCheck(seq: try DispatchStore.nextSeq(db), result: result, statement: statement)
            try DispatchStore.insert(record, db)
            try DispatchStore.advance(to: reviewSeq, db)
            return record
        }
        // Stacked only once stored: a crash before this point leaves both the store and the network without it.
        desk.commit(placed)
        try host.events.publish(DispatchAPI.tradeChecked, record)
        host.logger.info(
            "trade order security-checked",
            metadata: ["order.id": "\(order.id)", "dispatch.status": "\(result.status.rawValue)", "dispatch.accepted_mwh": "\(result.acceptedMwh)"]
        )
    }
}
