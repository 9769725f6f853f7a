import Bus
import Foundation
import GRDB
import Logging
import MatchingCore
import Messages
import RegistryLink
import ServiceKit
import Storage

/// Closes one round: gathers the facts `RoundClosing` decides on (the round, the offering
/// generators' plans from the registry, their sales from the store), runs the game off the
/// cooperative pool and outside any transaction (it can take a while, and writes must not wait
/// for it), writes the decision in one transaction, then announces it.
struct RoundCloser: Sendable {
    /// What became of a try.
    enum Outcome: Equatable {
        /// The round is closed (now, or it already was).
        case closed
        /// The round still takes offers until this instant (ms since the epoch).
        case notDue(untilMs: Int64)
    }

    let store: SQLiteStore
    let registry: RegistryLink
    let events: EventPublisher
    let logger: Logger

    /// Throws when a fact cannot be had (the registry away, the store failing); the caller tries
    /// again later.
    func close(_ id: RoundID) async throws -> Outcome {
        while true {
            let stored = try await store.read { try MatchingStore.round(id, $0) }
            let round: Round
            switch RoundClosing.readiness(stored, nowMs: Date().unixMilliseconds) {
            case .closed: return .closed
            case let .notDue(untilMs): return .notDue(untilMs: untilMs)
            case let .due(due): round = due
            }
            var plans: [MemberID: Double] = [:]
            for offer in round.offers { plans[offer.generator] = try await registry.plan(offer.generator, round.month)?.maxMw }
            let game = try await store.read { [plans] db in RoundClosing.game(round, try Self.roomFacts(round, plans, db)) }
            let clearing = try await OffPool.run { RoundRules.clear(game.round) }
            let decision = try await store.change { [plans] db in
                let current = try MatchingStore.round(id, db)
                let facts = try current.map { try Self.roomFacts($0, plans, db) } ?? RoundClosing.RoomFacts(planMaxMw: plans, committedMwh: [:])
                let decision = RoundClosing.decide(game, clearing: clearing, current: current, facts, nowMs: Date().unixMilliseconds)
                if case let .close(closed) = decision {
                    for order in closed.orders { try MatchingStore.insert(order, db) }
                    try MatchingStore.put(closed.round, db)
                }
                return decision
            }
            switch decision {
            case .alreadyClosed:
                return .closed
            case .replay:
                logger.info("a seller's room changed while the game ran; playing again", metadata: ["round.id": "\(id)"])
            case let .close(closed):
                // A round's orders are announced like bilateral ones, so followers of confirmed orders see them.
                for order in closed.orders { try events.publish(MatchingAPI.orderConfirmed, order) }
                try events.publish(closed.round.status == .cleared ? MatchingAPI.roundCleared : MatchingAPI.roundFailed, closed.round)
                logger.info("round closed", metadata: ["round.id": "\(id)", "round.status": "\(closed.round.status.rawValue)"])
                return .closed
            }
        }
    }

    /// The offering generators' plans (from the registry) and their open and confirmed MWh in the
    /// round's month (from the store, in the caller's transaction).
    private static func roomFacts(_ round: Round, _ plans: [MemberID: Double], _ db: Database) throws -> RoundClosing.RoomFacts {
        var committed: [MemberID: Double] = [:]
        for offer in round.offers {
            committed[offer.generator] = try MatchingStore.committed(seller: offer.generator, month: round.month, db)
        }
        return RoundClosing.RoomFacts(planMaxMw: plans, committedMwh: committed)
    }
}
