import Bus
import Contracts
import Credentials
import Foundation
import Messages
import RegistryLink
import ReviewCore
import ServiceKit
import Storage

/// The trading center's review desk. Confirmed trade orders arrive from matching's events and,
/// so none is missed (events can be lost; matching's log is in memory), from a periodic sweep of
/// matching's confirmed orders. One worker reviews them one at a time, in arrival order, so the
/// plan-room rule sees every earlier approval; each decision is signed, stored once per order,
/// then published.
final class ReviewService: Sendable {
    private let host: BusHost
    private let store: SQLiteStore
    private let registry: RegistryLink
    private let matching: MatchingLink
    private let identity: ServiceIdentity
    private let limits: ReviewLimits
    private let sweepInterval: Duration
    private let queue: AsyncStream<TradeOrder>
    private let enqueue: AsyncStream<TradeOrder>.Continuation

    init(host: BusHost) throws {
        self.host = host
        let config = host.settings.config
        store = try ReviewStore.open(path: URL(fileURLWithPath: host.settings.dataDirectory).appendingPathComponent("review.sqlite").path)
        registry = try RegistryLink(settings: host.settings, logger: host.logger)
        matching = try MatchingLink(
            rpc: config.string(forKey: "matching.endpoint", default: "tcp://127.0.0.1:7111"),
            events: config.string(forKey: "matching.events", default: "tcp://127.0.0.1:7112")
        )
        identity = try ServiceIdentity(settings: host.settings, role: .tradingCenter, logger: host.logger)
        limits = ReviewLimits(
            priceFloor: config.double(forKey: "review.price.floor", default: ReviewLimits.defaults.priceFloor),
            priceCap: config.double(forKey: "review.price.cap", default: ReviewLimits.defaults.priceCap)
        )
        if let problem = limits.problem { throw SettingsError("review.price: \(problem)") }
        sweepInterval = .milliseconds(config.int(forKey: "review.sweep.ms", default: 2_000))
        (queue, enqueue) = AsyncStream.makeStream(of: TradeOrder.self)
    }

    func start() async {
        host.server.register(ReviewAPI.getDecision) { [store] query, _ in
            guard let record = try await store.read({ try ReviewStore.decision(query.orderId, $0) }) else {
                throw RPCError(.notFound, "no decision for trade order '\(query.orderId)'")
            }
            return record
        }
        host.server.register(ReviewAPI.listDecisions) { [store] query, _ in
            DecisionList(decisions: try await store.read { try ReviewStore.decisions(query, $0) })
        }
        let desk = ContractDesk(store: store, registry: registry, identity: identity)
        host.server.register(ReviewAPI.draftContract) { request, context in try await desk.draft(request, context: context) }
        Task { [self] in
            await registry.connect()
            await identity.acquire(from: registry, logger: host.logger)
            await withDiscardingTaskGroup { group in
                group.addTask { await self.work() }
                group.addTask { await self.follow() }
                group.addTask { await self.sweep() }
            }
        }
    }

    /// Matching's confirmed orders as they are announced.
    private func follow() async {
        while !Task.isCancelled {
            do {
                for try await event in matching.subscriber.subscribe(MatchingAPI.orderConfirmed) { enqueue.yield(event.body) }
            } catch {
                host.logger.warning("matching's events interrupted; resubscribing", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Every confirmed order matching has, now and then: what the events missed.
    private func sweep() async {
        while !Task.isCancelled {
            do {
                let orders = try await matching.client.call(MatchingAPI.listOrders, OrderListQuery(status: .confirmed)).orders
                let decided = try await store.read { [orders] db in try ReviewStore.decided(orders.map(\.id), db) }
                for order in orders where !decided.contains(order.id) { enqueue.yield(order) }
            } catch {
                host.logger.warning("cannot list matching's confirmed orders", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: sweepInterval)
        }
    }

    private func work() async {
        for await order in queue {
            var backoff: Duration = .milliseconds(200)
            // An order whose facts cannot be gathered (the registry away) waits; later ones wait behind it, in order.
            while !Task.isCancelled {
                do {
                    try await review(order)
                    break
                } catch {
                    host.logger.warning("review postponed", metadata: ["order.id": "\(order.id)", "error": "\(error)"])
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
        }
    }

    private func review(_ order: TradeOrder) async throws {
        guard !(try await store.read { try ReviewStore.hasDecision(order.id, $0) }) else { return }
        guard let signer = identity.current, let authority = registry.authority else { throw RPCError(.unavailable, "not ready to sign") }
        let months = order.monthlySplit.map(\.month)
        var plans: [String: Double] = [:]
        for month in Set(months) { plans[month] = try await registry.plan(order.seller, month)?.maxMw }
        let seller = try await registry.member(order.seller)
        let buyer = try await registry.member(order.buyer)
        let revoked = Set([order.seller, order.buyer].filter(registry.isRevoked))
        let approved = try await store.read { try ReviewStore.approvedMwh(seller: order.seller, months: months, $0) }
        let now = Date().unixMilliseconds
        let facts = ReviewFacts(seller: seller, buyer: buyer, revoked: revoked, planMaxMw: plans, approvedMwh: approved, limits: limits, nowMs: now)
        let reasons = ReviewRules.reasons(order, facts, authority: authority)
        let decision = ReviewDecision(
            orderId: order.id, order: order, status: reasons.isEmpty ? .approved : .rejected, reasons: reasons, reviewedAtMs: now, reviewer: signer.memberID
        )
        let statement = try StatementSignature.sign(decision, kind: SignedStatement.Kind.reviewDecision, by: signer)
        let record = try await store.change { db -> SignedReviewDecision? in
            guard !(try ReviewStore.hasDecision(order.id, db)) else { return nil }
            let record = SignedReviewDecision(seq: try ReviewStore.nextSeq(db), decision: decision, statement: statement)
            try ReviewStore.insert(record, db)
            return record
        }
        guard let record else { return }
        try host.events.publish(ReviewAPI.orderReviewed, record)
        host.logger.info(
            "trade order reviewed",
            metadata: ["order.id": "\(order.id)", "review.status": "\(decision.status.rawValue)", "review.reasons": "\(reasons.count)"]
        )
    }
}

/// What review asks matching: confirmed orders, by event and by list.
struct MatchingLink: Sendable {
    let client: RPCClient
    let subscriber: EventSubscriber

    init(rpc: String, events: String) throws {
        client = try RPCClient(endpoint: rpc)
        subscriber = try EventSubscriber(endpoint: events, rpc: client)
    }
}
