import Auth
import Bus
import Foundation
import Game
import GRDB
import MatchingCore
import Messages
import ServiceKit
import RegistryLink
import Storage

/// Matching's handlers. Each change is one transaction (with the request's nonce); events go out
/// after it commits. Rounds close at their deadline, also after a restart.
final class MatchingService: Sendable {
    private let host: BusHost
    private let store: SQLiteStore
    private let registry: RegistryLink

    init(host: BusHost) throws {
        self.host = host
        store = try MatchingStore.open(path: URL(fileURLWithPath: host.settings.dataDirectory).appendingPathComponent("matching.sqlite").path)
        registry = try RegistryLink(settings: host.settings, logger: host.logger)
    }

    func start() async {
        let server = host.server
        server.register(MatchingAPI.createOrder) { [self] request, context in try await createOrder(request, context) }
        server.register(MatchingAPI.confirmOrder) { [self] request, context in try await decide(request, context, confirm: true) }
        server.register(MatchingAPI.rejectOrder) { [self] request, context in try await decide(request, context, confirm: false) }
        server.register(MatchingAPI.openRound) { [self] request, context in try await openRound(request, context) }
        server.register(MatchingAPI.submitOffer) { [self] request, context in try await submitOffer(request, context) }
        server.register(MatchingAPI.getOrder) { [store] query, _ in
            guard let order = try await store.read({ try MatchingStore.order(query.orderId, $0) }) else {
                throw MatchingError.notFound("no trade order '\(query.orderId)'")
            }
            return order
        }
        server.register(MatchingAPI.listOrders) { [store] query, _ in
            OrderList(orders: try await store.read { try MatchingStore.orders(member: query.member, status: query.status, month: query.month, $0) })
        }
        server.register(MatchingAPI.getRound) { [store] query, _ in
            guard let round = try await store.read({ try MatchingStore.round(query.roundId, $0) }) else {
                throw MatchingError.notFound("no round '\(query.roundId)'")
            }
            return round.sealed()
        }
        server.register(MatchingAPI.listRounds) { [store] query, _ in
            let rounds = try await store.read { try MatchingStore.rounds(status: query.status, $0) }
            return RoundList(rounds: rounds
                .filter { round in (query.consumer.map { $0 == round.consumer } ?? true) && (query.month.map { $0 == round.month } ?? true) }
                .map { $0.sealed() })
        }
        Task { [registry] in await registry.connect() }
        // Rounds left open by a previous run close at their deadlines (at once if past).
        do {
            for round in try await store.read({ try MatchingStore.openRounds($0) }) { schedule(round) }
        } catch {
            host.logger.error("cannot read open rounds", metadata: ["error": "\(error)"])
        }
    }

    // MARK: bilateral orders

    private func createOrder(_ request: CreateOrderRequest, _ context: RequestContext) async throws -> TradeOrder {
        let caller = try await registry.caller(context, recordingIn: store)
        guard caller.memberID == request.seller || caller.memberID == request.buyer else {
            throw MatchingError.forbidden("the creator of an order must be its seller or its buyer")
        }
        try OrderRules.validate(request)
        _ = try await registry.admitted(request.seller, as: .generator, field: "seller")
        _ = try await registry.admitted(request.buyer, as: .consumer, field: "buyer")
        var plans: [String: Double] = [:]
        for share in request.monthlySplit { plans[share.month] = try await registry.plan(request.seller, share.month)?.maxMw }
        let months = request.monthlySplit.map(\.month).sorted()
        let order = TradeOrder(
            id: Self.newID("o"), creator: caller.memberID, createdAtMs: Date().unixMilliseconds, seller: request.seller, buyer: request.buyer,
            mwh: request.monthlySplit.reduce(0) { $0 + $1.mwh }, price: request.price, periodStart: months.first!, periodEnd: months.last!,
            monthlySplit: request.monthlySplit, status: .open, signatures: [try PartySignature(authenticated: context)]
        )
        try await store.change { [plans] db in
            // Inside the transaction, so two orders cannot both take the last of a plan.
            for share in order.monthlySplit {
                try OrderRules.checkCapacity(
                    month: share.month, planMaxMw: plans[share.month],
                    committedMwh: try MatchingStore.committed(seller: order.seller, month: share.month, db),
                    addingMwh: share.mwh, seller: order.seller
                )
            }
            try MatchingStore.insert(order, db)
        }
        try host.events.publish(MatchingAPI.orderCreated, order)
        return order
    }

    private func decide(_ request: OrderDecision, _ context: RequestContext, confirm: Bool) async throws -> TradeOrder {
        let caller = try await registry.caller(context, recordingIn: store)
        let evidence = try PartySignature(authenticated: context)
        if !confirm, request.reason?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
            throw MatchingError.invalid(field: "reason", reason: "is required to reject")
        }
        let order = try await store.change { db in
            guard var order = try MatchingStore.order(request.orderId, db) else { throw MatchingError.notFound("no trade order '\(request.orderId)'") }
            order.status = try OrderRules.decide(order, by: caller.memberID, confirm: confirm)
            order.reason = confirm ? nil : request.reason
            order.decidedAtMs = Date().unixMilliseconds
            if confirm { order.signatures = (order.signatures ?? []) + [evidence] }
            try MatchingStore.update(order, db)
            return order
        }
        try host.events.publish(confirm ? MatchingAPI.orderConfirmed : MatchingAPI.orderRejected, order)
        return order
    }

    // MARK: rounds

    private func openRound(_ request: OpenRoundRequest, _ context: RequestContext) async throws -> Round {
        let caller = try await registry.caller(context, recordingIn: store)
        let pricing = try RoundRules.validate(request)
        guard let demand = try await registry.demand(caller.memberID, request.month) else {
            throw MatchingError.failedPrecondition("\(caller.memberID) has published no demand for \(request.month)")
        }
        let now = Date().unixMilliseconds
        var round = Round(
            id: Self.newID("r"), consumer: caller.memberID, month: request.month, demandMwh: demand.mwh, maxPrice: demand.maxPrice,
            pricing: pricing.rawValue, deadlineMs: now + request.durationMs, status: .open, offers: [], openedAtMs: now
        )
        round.openedBy = try PartySignature(authenticated: context)
        try await store.change { [round] db in
            // One open round per consumer and month, so a demand is not bought twice over.
            if try MatchingStore.openRounds(db).contains(where: { $0.consumer == round.consumer && $0.month == round.month }) {
                throw MatchingError.failedPrecondition("\(round.consumer) already has an open round for \(round.month)")
            }
            try MatchingStore.put(round, db)
        }
        try host.events.publish(MatchingAPI.roundOpened, round)
        schedule(round)
        return round
    }

    private func submitOffer(_ request: SubmitOfferRequest, _ context: RequestContext) async throws -> Round {
        let caller = try await registry.caller(context, recordingIn: store)
        try RoundRules.validate(request)
        guard let known = try await store.read({ try MatchingStore.round(request.roundId, $0) }) else {
            throw MatchingError.notFound("no round '\(request.roundId)'")
        }
        let planMaxMw = try await registry.plan(caller.memberID, known.month)?.maxMw
        let evidence = try PartySignature(authenticated: context)
        let round = try await store.change { db in
            guard var round = try MatchingStore.round(request.roundId, db) else { throw MatchingError.notFound("no round '\(request.roundId)'") }
            guard round.status == .open, Date().unixMilliseconds < round.deadlineMs else {
                throw MatchingError.failedPrecondition("round \(round.id) is closed")
            }
            try OrderRules.checkCapacity(
                month: round.month, planMaxMw: planMaxMw,
                committedMwh: try MatchingStore.committed(seller: caller.memberID, month: round.month, db),
                addingMwh: request.maxMwh, seller: caller.memberID
            )
            var offer = RoundOffer(
                generator: caller.memberID, minMwh: request.minMwh, maxMwh: request.maxMwh,
                a: request.a, b: request.b, c: request.c, k: request.k, submittedAtMs: Date().unixMilliseconds
            )
            offer.signature = evidence
            round.offers.removeAll { $0.generator == caller.memberID }
            round.offers.append(offer)
            round.offerCount = round.offers.count
            try MatchingStore.put(round, db)
            return round
        }
        try host.events.publish(MatchingAPI.offerSubmitted, round.sealed())
        return round.sealed(for: caller.memberID)
    }

    private func schedule(_ round: Round) {
        Task { [self] in
            let wait = max(0, round.deadlineMs - Date().unixMilliseconds)
            try? await Task.sleep(for: .milliseconds(wait))
            // A round must close even if the registry is away at its deadline: try until it does.
            var backoff: Duration = .milliseconds(500)
            while true {
                do {
                    try await close(round.id)
                    return
                } catch {
                    host.logger.error("round failed to close; retrying", metadata: ["round.id": "\(round.id)", "error": "\(error)"])
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }

    /// Closes a round: the game runs outside any transaction (it can take a while, and writes
    /// must not wait for it); the outcome is written only if no seller's room changed meanwhile,
    /// else the game runs again on the new rooms.
    private func close(_ id: String) async throws {
        while true {
            guard let known = try await store.read({ try MatchingStore.round(id, $0) }), known.status == .open else { return }
            var plans: [String: Double] = [:]
            for offer in known.offers { plans[offer.generator] = try await registry.plan(offer.generator, known.month)?.maxMw }
            let rooms = try await store.read { [plans] db in try Self.rooms(known, plans, db) }
            // Sales made since an offer count too: no generator is cleared beyond its plan.
            var playing = known
            playing.offers = known.offers.compactMap { offer in
                var capped = offer
                capped.maxMwh = min(offer.maxMwh, rooms[offer.generator] ?? 0)
                return capped.maxMwh > capped.minMwh ? capped : nil
            }
            let clearing = RoundRules.clear(playing)
            let closed = try await store.change { [plans] db -> (round: Round, orders: [TradeOrder])?? in
                guard var round = try MatchingStore.round(id, db), round.status == .open else { return .some(nil) }
                guard try Self.rooms(round, plans, db) == rooms else { return nil }
                let orders = Self.record(clearing, in: &round)
                for order in orders { try MatchingStore.insert(order, db) }
                try MatchingStore.put(round, db)
                return (round, orders)
            }
            guard let closed else { continue }
            guard let (round, orders) = closed else { return }
            // A round's orders are announced like bilateral ones, so followers of confirmed orders see them.
            for order in orders { try host.events.publish(MatchingAPI.orderConfirmed, order) }
            try host.events.publish(round.status == .cleared ? MatchingAPI.roundCleared : MatchingAPI.roundFailed, round)
            host.logger.info("round closed", metadata: ["round.id": "\(round.id)", "round.status": "\(round.status.rawValue)"])
            return
        }
    }

    /// Each offering generator's room in the round's month: its plan less its open and confirmed orders.
    private static func rooms(_ round: Round, _ plans: [String: Double], _ db: Database) throws -> [String: Double] {
        var rooms: [String: Double] = [:]
        for offer in round.offers {
            rooms[offer.generator] = (plans[offer.generator] ?? 0) * Months.hours(round.month)
                - (try MatchingStore.committed(seller: offer.generator, month: round.month, db))
        }
        return rooms
    }

    /// Writes a clearing into the round; returns the trade orders it makes.
    private static func record(_ clearing: RoundRules.Clearing, in round: inout Round) -> [TradeOrder] {
        switch clearing {
        case let .failed(reason):
            round.status = .failed
            round.reason = reason
            return []
        case let .cleared(price, outputs, value, shapley):
            let now = Date().unixMilliseconds
            let orders = outputs.keys.sorted().enumerated().map { index, generator in
                TradeOrder(
                    id: "\(round.id)-\(index + 1)", creator: round.consumer, createdAtMs: now, seller: generator, buyer: round.consumer,
                    mwh: outputs[generator]!, price: price, periodStart: round.month, periodEnd: round.month,
                    monthlySplit: [MonthlyEnergy(month: round.month, mwh: outputs[generator]!)], status: .confirmed, roundId: round.id, decidedAtMs: now,
                    signatures: [round.openedBy, round.offers.first { $0.generator == generator }?.signature].compactMap { $0 }
                )
            }
            round.status = .cleared
            round.outcome = RoundOutcome(clearingPrice: price, pricing: round.pricing, outputs: outputs, coalitionValue: value, shapley: shapley, orderIds: orders.map(\.id))
            return orders
        }
    }

    // MARK: helpers

    static func newID(_ prefix: String) -> String {
        prefix + "-" + (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

}
