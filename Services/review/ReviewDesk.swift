import Bus
import Contracts
import Credentials
import Foundation
import Messages
import RegistryLink
import ReviewCore
import ServiceKit
import Storage

/// Reviews matching's confirmed trade orders as a `FollowerSource`: the next orders are the
/// confirmed ones without a decision, in matching's order; handling one gathers its facts, asks
/// `ReviewRules`, signs, stores the decision once per order and then publishes it. The store's
/// decisions are the cursor, so a restart neither skips nor repeats an order.
struct ReviewDesk: FollowerSource {
    static let pageSize = 100

    let store: SQLiteStore
    let registry: RegistryLink
    let matching: RPCClient
    let identity: ServiceIdentity
    let limits: ReviewLimits
    let host: BusHost
    let clearings = RecentClearings()

    func next() async throws -> [TradeOrder] {
        // Not ready to sign: nothing to do until the next sweep.
        guard identity.current != nil, registry.authority != nil else { return [] }
        let orders = try await matching.call(MatchingAPI.listOrders, OrderListQuery(status: .confirmed)).orders
        let decided = try await store.read { [orders] db in try ReviewStore.decided(orders.map(\.id), db) }
        return Array(orders.lazy.filter { !decided.contains($0.id) }.prefix(Self.pageSize))
    }

    func handle(_ order: TradeOrder) async throws {
        guard !(try await store.read { try ReviewStore.hasDecision(order.id, $0) }) else { return }
        guard let signer = identity.current, let authority = registry.authority else { throw ReviewError.notReady }
        let facts = try await gather(order)
        // A round's order re-runs the game: off the cooperative pool, and once per round.
        let verdict = try await OffPool.run { [clearings] in
            ReviewRules.review(order, facts, authority: authority, clear: clearings.clear)
        }
        let decision = ReviewDecision(
            orderId: order.id, order: order, status: verdict.approved ? .approved : .rejected, reasons: verdict.reasons,
            reviewedAtMs: facts.nowMs, reviewer: signer.member
        )
        let statement = try StatementSignature.sign(decision, kind: .reviewDecision, by: signer)
        // A round's contract covers its whole coalition: one order refused fails the others' drafting.
        let siblings = verdict.approved ? [] : try await roundSiblings(of: order)
        let failure = verdict.approved ? nil : "rejected in review: \(verdict.reasons.joined(separator: "; "))"
        let stored = try await store.change { db -> (SignedReviewDecision, [TradeProgress])? in
            guard !(try ReviewStore.hasDecision(order.id, db)) else { return nil }
            let record = SignedReviewDecision(seq: try ReviewStore.nextSeq(db), decision: decision, statement: statement)
            try ReviewStore.insert(record, db)
            try ReviewStore.recordUses(verdict.claims, orderID: order.id, db)
            var moves = try [DeskStore.move(order.id, roundId: order.roundId, to: .reviewed, failure: failure, nowMs: facts.nowMs, db)].compactMap { $0 }
            for sibling in siblings {
                let reason = "trade order \(order.id) of the round was rejected in review"
                if let move = try DeskStore.move(sibling, roundId: order.roundId, to: .drafted, failure: reason, nowMs: facts.nowMs, db) { moves.append(move) }
            }
            return (record, moves)
        }
        guard let (record, moves) = stored else { return }
        try host.events.publish(ReviewAPI.orderReviewed, record)
        for move in moves { host.events.publishQuietly(ReviewAPI.tradeStageChanged, move, logger: host.logger) }
        host.logger.info(
            "trade order reviewed",
            metadata: ["order.id": "\(order.id)", "review.status": "\(decision.status.rawValue)", "review.reasons": "\(verdict.reasons.count)"]
        )
    }

    /// The other orders of the order's round, if it came from one.
    private func roundSiblings(of order: TradeOrder) async throws -> [OrderID] {
        guard let roundId = order.roundId else { return [] }
        let round = try await matching.call(MatchingAPI.getRound, RoundQuery(roundId: roundId))
        return (round.outcome?.orderIds ?? []).filter { $0 != order.id }
    }

    /// Everything `ReviewRules` looks at besides the order: the registry's members, plans and
    /// revocations, and the energy already approved.
    private func gather(_ order: TradeOrder) async throws -> ReviewFacts {
        let months = order.monthlySplit.map(\.month)
        var plans: [DeliveryMonth: Double] = [:]
        for month in Set(months) { plans[month] = try await registry.plan(order.seller, month)?.maxMw }
        let seller = try await registry.member(order.seller)
        let buyer = try await registry.member(order.buyer)
        let revoked = Set([order.seller, order.buyer].filter(registry.isRevoked))
        let keys = Set((order.signatures ?? []).map(ConsentKey.init))
        let (approved, uses) = try await store.read { db in
            (try ReviewStore.approvedMwh(seller: order.seller, months: months, db), try ReviewStore.consentUses(keys, db))
        }
        return ReviewFacts(
            seller: seller, buyer: buyer, revoked: revoked, planMaxMw: plans, approvedMwh: approved, limits: limits, nowMs: Date().unixMilliseconds,
            consentUses: uses
        )
    }
}
