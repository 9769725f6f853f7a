import Messages

/// How a round closes at its deadline, as pure steps around the game (which the service runs off
/// the cooperative pool, outside any transaction, because it can take a while):
///
/// 1. `readiness`: is the round, as stored, still open and past its deadline?
/// 2. `game`: the round the game plays, each offer capped to its generator's room (its plan less
///    what it already sold that month), so no generator is cleared beyond its plan.
/// 3. `RoundRules.clear(game.round)`: the game itself.
/// 4. `decide`, inside the store transaction with the round and rooms as they are there: write
///    the round's final record and its trade orders, or play again because a room changed while
///    the game ran, or nothing because the round was closed meanwhile.
public enum RoundClosing {
    /// Whether a round read from the store is to be closed now.
    public enum Readiness: Equatable, Sendable {
        /// No such round, or it is already cleared or failed: nothing to do.
        case closed
        /// Still taking offers until this instant (ms since the epoch).
        case notDue(untilMs: Int64)
        /// Open and past its deadline: close this round.
        case due(Round)
    }

    public static func readiness(_ round: Round?, nowMs: Int64) -> Readiness {
        guard let round, round.status == .open else { return .closed }
        return nowMs < round.deadlineMs ? .notDue(untilMs: round.deadlineMs) : .due(round)
    }

    /// What the service reads about the offering generators' room in the round's month.
    public struct RoomFacts: Equatable, Sendable {
        /// Each generator's published plan, MW for every hour of the month (missing: no plan).
        public var planMaxMw: [MemberID: Double]
        /// Each generator's MWh in open or confirmed orders for the month (missing: none).
        public var committedMwh: [MemberID: Double]

        public init(planMaxMw: [MemberID: Double], committedMwh: [MemberID: Double]) {
            self.planMaxMw = planMaxMw
            self.committedMwh = committedMwh
        }
    }

    /// Each offering generator's room in the round's month: its plan less its open and confirmed
    /// orders. A generator with no plan has none.
    public static func rooms(_ round: Round, _ facts: RoomFacts) -> [MemberID: Double] {
        var rooms: [MemberID: Double] = [:]
        for offer in round.offers {
            rooms[offer.generator] = (facts.planMaxMw[offer.generator] ?? 0) * round.month.hours
                - (facts.committedMwh[offer.generator] ?? 0)
        }
        return rooms
    }

    /// The game to play and the rooms it assumed; `decide` writes its clearing only if the rooms
    /// are still these.
    public struct Game: Equatable, Sendable {
        /// The round with each offer's max capped to its generator's room; an offer left with no
        /// range above its minimum drops out.
        public var round: Round
        public var rooms: [MemberID: Double]
    }

    public static func game(_ round: Round, _ facts: RoomFacts) -> Game {
        let rooms = rooms(round, facts)
        var playing = round
        // Sales made since an offer count too: no generator is cleared beyond its plan.
        playing.offers = round.offers.compactMap { offer in
            var capped = offer
            capped.maxMwh = min(offer.maxMwh, rooms[offer.generator] ?? 0)
            return capped.maxMwh > capped.minMwh ? capped : nil
        }
        return Game(round: playing, rooms: rooms)
    }

    /// What closing decides once the game has run, with the round and rooms as the store has them
    /// now.
    public enum Decision: Equatable, Sendable {
        /// The round was closed (or removed) while the game ran: write nothing.
        case alreadyClosed
        /// A seller's room changed while the game ran: play again on the new rooms.
        case replay
        /// Write this record and these orders, in one transaction, then announce them.
        case close(ClosedRound)
    }

    /// A closed round's final record and the confirmed trade orders it makes (none if it failed).
    public struct ClosedRound: Equatable, Sendable {
        public var round: Round
        public var orders: [TradeOrder]

        public init(round: Round, orders: [TradeOrder]) {
            self.round = round
            self.orders = orders
        }
    }

    public static func decide(_ game: Game, clearing: RoundRules.Clearing, current: Round?, _ facts: RoomFacts, nowMs: Int64) -> Decision {
        guard let current, current.status == .open else { return .alreadyClosed }
        guard rooms(current, facts) == game.rooms else { return .replay }
        return .close(record(clearing, in: current, nowMs: nowMs))
    }

    /// Writes a clearing into the round. Each generator of the best coalition gets one confirmed
    /// order, `<round id>-<n>` in generator order (so a replayed close names them alike), at the
    /// clearing price, carrying the signed consent the game ran on: the consumer's `OpenRound` and
    /// every generator's `SubmitOffer`, in generator order.
    public static func record(_ clearing: RoundRules.Clearing, in round: Round, nowMs: Int64) -> ClosedRound {
        var round = round
        switch clearing {
        case let .failed(reason):
            round.status = .failed
            round.reason = reason
            return ClosedRound(round: round, orders: [])
        case let .cleared(price, outputs, payout):
            // Every offer's, not only the seller's: the review re-runs the game on them.
            let offerSignatures = round.offers.sorted { $0.generator < $1.generator }.compactMap(\.signature)
            let orders = outputs.sorted { $0.key < $1.key }.enumerated().map { index, output in
                TradeOrder(
                    id: OrderID("\(round.id)-\(index + 1)"), creator: round.consumer, createdAtMs: nowMs, seller: output.key, buyer: round.consumer,
                    mwh: output.value, price: price, periodStart: round.month, periodEnd: round.month,
                    monthlySplit: [MonthlyEnergy(month: round.month, mwh: output.value)], status: .confirmed, roundId: round.id, decidedAtMs: nowMs,
                    signatures: [round.openedBy].compactMap { $0 } + offerSignatures
                )
            }
            round.status = .cleared
            // The recorded value is the payout's, so the recorded shares add up to it exactly.
            round.outcome = RoundOutcome(
                clearingPrice: price, pricing: round.pricing, outputs: outputs, coalitionValue: payout.value, shapley: payout.shares,
                orderIds: orders.map(\.id), shapleyHalfWidth95: payout.halfWidth95, shapleySamples: payout.samples
            )
            return ClosedRound(round: round, orders: orders)
        }
    }
}
