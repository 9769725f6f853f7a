import Auth
import Bus
import Foundation
import MatchingCore
import Messages
import RegistryLink
import ServiceKit
import Storage

/// Matching's request handlers. Each gathers facts (the caller, the registry's members, plans and
/// demands, the store), lets `OrderRules`/`RoundRules` decide, writes the result in one
/// transaction (with the request's nonce), and publishes after it commits. Rounds close in
/// `RoundDeadlines`, which learns of each new round from `openRound`.
struct MatchingService: Sendable {
    let host: BusHost
    let store: SQLiteStore
    let registry: RegistryLink
    let deadlines: RoundDeadlines

    func register() {
        let server = host.server
        server.register(MatchingAPI.createOrder) { request, context in try await createOrder(request, context) }
        server.register(MatchingAPI.confirmOrder) { request, context in try await decide(request, context, confirm: true) }
        server.register(MatchingAPI.rejectOrder) { request, context in try await decide(request, context, confirm: false) }
        server.register(MatchingAPI.openRound) { request, context in try await openRound(request, context) }
        server.register(MatchingAPI.submitOffer) { request, context in try await submitOffer(request, context) }
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
    }

    // MARK: bilateral orders

    private func createOrder(_ request: CreateOrderRequest, _ context: RequestContext) async throws -> TradeOrder {
        let caller = try await registry.caller(context, recordingIn: store)
        let evidence = try PartySignature(authenticated: context)
        let order = try OrderRules.create(
            request, by: caller.memberID, id: ConsentIDs.order(createdBy: caller.memberID, nonce: evidence.nonce), nowMs: Date().unixMilliseconds,
            signature: evidence
        )
        _ = try await registry.admitted(request.seller, as: .generator, field: "seller")
        _ = try await registry.admitted(request.buyer, as: .consumer, field: "buyer")
        var plans: [DeliveryMonth: Double] = [:]
        for share in request.monthlySplit { plans[share.month] = try await registry.plan(request.seller, share.month)?.maxMw }
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
        try OrderRules.checkReason(confirm: confirm, reason: request.reason)
        let order = try await store.change { db in
            guard let order = try MatchingStore.order(request.orderId, db) else { throw MatchingError.notFound("no trade order '\(request.orderId)'") }
            let decided = try OrderRules.decided(
                order, by: caller.memberID, confirm: confirm, reason: request.reason, nowMs: Date().unixMilliseconds, signature: evidence
            )
            try MatchingStore.update(decided, db)
            return decided
        }
        try host.events.publish(confirm ? MatchingAPI.orderConfirmed : MatchingAPI.orderRejected, order)
        return order
    }

    // MARK: rounds

    private func openRound(_ request: OpenRoundRequest, _ context: RequestContext) async throws -> Round {
        let caller = try await registry.caller(context, recordingIn: store)
        let pricing = try RoundRules.validate(request)
        let demand = try await registry.demand(caller.memberID, request.month)
        let openedBy = try PartySignature(authenticated: context)
        let round = try await store.change { db in
            // The open rounds are read inside the transaction, so two requests cannot both open one.
            let round = try RoundRules.open(
                request, pricing: pricing, consumer: caller.memberID, demand: demand, openRounds: try MatchingStore.openRounds(db),
                id: ConsentIDs.round(openedBy: caller.memberID, nonce: openedBy.nonce), nowMs: Date().unixMilliseconds, openedBy: openedBy
            )
            try MatchingStore.put(round, db)
            return round
        }
        try host.events.publish(MatchingAPI.roundOpened, round)
        deadlines.schedule(round.id)
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
            guard let round = try MatchingStore.round(request.roundId, db) else { throw MatchingError.notFound("no round '\(request.roundId)'") }
            let offered = try RoundRules.accept(
                request, from: caller.memberID, into: round, planMaxMw: planMaxMw,
                committedMwh: try MatchingStore.committed(seller: caller.memberID, month: round.month, db),
                nowMs: Date().unixMilliseconds, signature: evidence
            )
            try MatchingStore.put(offered, db)
            return offered
        }
        try host.events.publish(MatchingAPI.offerSubmitted, round.sealed())
        return round.sealed(for: caller.memberID)
    }
}
