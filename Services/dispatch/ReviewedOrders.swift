import Bus
import Credentials
import DispatchCore
import Foundation
import Logging
import Messages
import RegistryLink
import ServiceKit
import Storage

/// What the dispatch center follows: review's decisions in review's order (`Review/ListDecisions`
/// after its durable cursor, so none is skipped or taken twice). Each approved order whose decision
/// the trading center signed is placed on the network on top of every order accepted before it;
/// the result is signed, stored with the advanced cursor, kept on the network, then published.
struct ReviewedOrders: FollowerSource {
    let store: SQLiteStore
    let desk: NetworkDesk
    let registry: RegistryLink
    let identity: ServiceIdentity
    let review: RPCClient
    let events: EventPublisher
    let logger: Logger

    static let page = 100

    func next() async throws -> [SignedReviewDecision] {
        // Nothing can be checked or signed before the registry's CA and the dispatch center's certificate are in.
        guard identity.current != nil, registry.authority != nil else { return [] }
        let cursor = try await store.read { try DispatchStore.reviewCursor($0) }
        return try await review.call(ReviewAPI.listDecisions, DecisionListQuery(afterSeq: cursor, limit: Self.page)).decisions
    }

    func handle(_ record: SignedReviewDecision) async throws {
        guard let signer = identity.current, let authority = registry.authority else { throw DispatchError.notSigning }
        let decision: ReviewDecision
        do {
            decision = try StatementSignature.verify(
                record.statement, as: ReviewDecision.self, kind: .reviewDecision, role: .tradingCenter, authority: authority,
                now: Date(unixMilliseconds: record.decision.reviewedAtMs)
            )
        } catch {
            // Not the trading center's word: nothing goes on the network for it.
            logger.error("review decision refused", metadata: ["review.seq": "\(record.seq)", "error": "\(error)"])
            return try await pass(record.seq)
        }
        let order = decision.order
        guard decision.status == .approved else { return try await pass(record.seq) }
        // Checked already (the cursor is stored with the result, so only a foreign store gets here).
        if try await store.read({ try DispatchStore.result(order.id, $0) }) != nil { return try await pass(record.seq) }

        let sellerBus = try await registry.member(order.seller)?.generator?.bus
        let buyerBus = try await registry.member(order.buyer)?.consumer?.bus
        let placement = try await desk.place(TradeOnNetwork(order: order), sellerBus: sellerBus, buyerBus: buyerBus)
        let result = placement.result(reviewSeq: record.seq, network: desk.network, checkedAtMs: Date().unixMilliseconds, checker: signer.member)
        let statement = try StatementSignature.sign(result, kind: .securityCheck, by: signer)
        let checked = try await store.change { db -> SignedSecurityCheck in
            let checked = SignedSecurityCheck(seq: try DispatchStore.nextSeq(db), result: result, statement: statement)
            try DispatchStore.insert(checked, db)
            try DispatchStore.advance(to: record.seq, db)
            return checked
        }
        // Stacked only once stored: a crash before this point leaves both the store and the network without it.
        await desk.keep(placement)
        do {
            try events.publish(DispatchAPI.tradeChecked, checked)
        } catch {
            // The result is stored; subscribers catch up with Events/Since or Dispatch/ListResults.
            logger.warning("TradeChecked not published", metadata: ["order.id": "\(order.id)", "error": "\(error)"])
        }
        logger.info(
            "trade order security-checked",
            metadata: ["order.id": "\(order.id)", "dispatch.status": "\(result.status.rawValue)", "dispatch.accepted_mwh": "\(result.acceptedMwh)"]
        )
    }

    /// A decision that puts nothing on the network: only the cursor moves past it.
    private func pass(_ reviewSeq: Int64) async throws {
        try await store.change { db in try DispatchStore.advance(to: reviewSeq, db) }
    }
}
