import Foundation
import Game
import MatchingCore
import Messages
import Testing

/// A party's signed request as a stand-in: closing only carries these along.
func signed(_ member: MemberID, _ method: String) -> PartySignature {
    PartySignature(member: member, method: method, body: "e30=", timestampMs: 1, nonce: "n-\(member)", signature: "sig-\(member)", certificate: "cert-\(member)")
}

/// An offer with the generator's signed `SubmitOffer`.
func offer(_ generator: MemberID, min: Double, max: Double, a: Double, b: Double, k: Double) -> RoundOffer {
    var offer = RoundOffer(generator: generator, minMwh: min, maxMwh: max, a: a, b: b, c: 0, k: k, submittedAtMs: 500)
    offer.signature = signed(generator, "Matching/SubmitOffer")
    return offer
}

/// SPEC.md section 4, Table 2.
let paperOffers = [
    offer("GU1", min: 30, max: 100, a: 0.01, b: 8.4, k: 1.3),
    offer("GU2", min: 35, max: 90, a: 0.02, b: 8.2, k: 1.2),
    offer("GU3", min: 20, max: 105, a: 0.01, b: 8.8, k: 1.1),
]

/// An open round of the consumer `m-c` for December 2026 (744 hours), due at 10 000 ms.
func openRound(offers: [RoundOffer] = paperOffers, demandMwh: Double = 160, maxPrice: Decimal = 20) -> Round {
    var round = Round(
        id: "r-1", consumer: "m-c", month: "2026-12", demandMwh: demandMwh, maxPrice: maxPrice, pricing: .paper,
        deadlineMs: 10_000, status: .open, offers: offers, openedAtMs: 0
    )
    round.openedBy = signed("m-c", "Matching/OpenRound")
    return round
}

/// Plans of 1 000 MW (744 000 MWh in December) for every generator and no sales: rooms never bind.
func ample(_ round: Round) -> RoundClosing.RoomFacts {
    RoundClosing.RoomFacts(planMaxMw: Dictionary(uniqueKeysWithValues: round.offers.map { ($0.generator, 1_000.0) }), committedMwh: [:])
}

/// Runs the whole closing as the service does, with the store unchanged while the game runs.
func close(_ round: Round, _ facts: RoundClosing.RoomFacts, nowMs: Int64 = 10_000) -> RoundClosing.Decision {
    let game = RoundClosing.game(round, facts)
    return RoundClosing.decide(game, clearing: RoundRules.clear(game.round), current: round, facts, nowMs: nowMs)
}

/// The closed round, or a recorded issue.
func closed(_ decision: RoundClosing.Decision, sourceLocation: SourceLocation = #_sourceLocation) -> RoundClosing.ClosedRound? {
    guard case let .close(closed) = decision else {
        Issue.record("expected the round to close, got \(decision)", sourceLocation: sourceLocation)
        return nil
    }
    return closed
}

func near(_ x: Double?, _ y: Double, _ tolerance: Double = 0.005) -> Bool {
    guard let x else { return false }
    return abs(x - y) <= tolerance
}

@Suite("Round closing")
struct RoundClosingTests {
    @Test("a round closes only once it is open and past its deadline")
    func readiness() {
        let round = openRound()
        #expect(RoundClosing.readiness(round, nowMs: 9_999) == .notDue(untilMs: 10_000))
        #expect(RoundClosing.readiness(round, nowMs: 10_000) == .due(round))
        #expect(RoundClosing.readiness(round, nowMs: 50_000) == .due(round))
        var done = round
        done.status = .cleared
        #expect(RoundClosing.readiness(done, nowMs: 50_000) == .closed)
        done.status = .failed
        #expect(RoundClosing.readiness(done, nowMs: 50_000) == .closed)
        #expect(RoundClosing.readiness(nil, nowMs: 50_000) == .closed)
    }

    @Test("the paper's round: three confirmed orders at 14.16 for 67, 36 and 57 MWh, split by Shapley")
    func paperRound() throws {
        let round = openRound()
        let result = try #require(closed(close(round, ample(round), nowMs: 12_345)))
        #expect(result.round.status == .cleared && result.round.reason == nil)
        let outcome = try #require(result.round.outcome)
        // The game's 14.159999999999998 on the market's tick ($0.0001/MWh).
        #expect(outcome.clearingPrice == Decimal(string: "14.16") && outcome.pricing == .paper)
        #expect(near(outcome.coalitionValue, 699.40, 0.01))
        #expect(Set(outcome.outputs.keys) == ["GU1", "GU2", "GU3"])
        #expect(near(outcome.outputs["GU1"], 67, 0.01) && near(outcome.outputs["GU2"], 36, 0.01) && near(outcome.outputs["GU3"], 57, 0.01))
        #expect(near(outcome.shapley["GU1"], 253.91, 0.015) && near(outcome.shapley["GU2"], 211.49, 0.015) && near(outcome.shapley["GU3"], 234.00, 0.015))
        #expect(outcome.orderIds == ["r-1-1", "r-1-2", "r-1-3"])

        // One order per generator of the coalition, named after the round in generator order.
        #expect(result.orders.map(\.id) == ["r-1-1", "r-1-2", "r-1-3"])
        #expect(result.orders.map(\.seller) == ["GU1", "GU2", "GU3"])
        for order in result.orders {
            #expect(order.buyer == "m-c" && order.creator == "m-c" && order.status == .confirmed && order.roundId == "r-1")
            #expect(order.price == outcome.clearingPrice && order.mwh == outcome.outputs[order.seller])
            #expect(order.monthlySplit == [MonthlyEnergy(month: "2026-12", mwh: order.mwh)])
            #expect(order.periodStart == "2026-12" && order.periodEnd == "2026-12")
            #expect(order.createdAtMs == 12_345 && order.decidedAtMs == 12_345)
            // The consent the game ran on: the consumer's OpenRound, then every offer in generator order.
            #expect(order.signatures == [signed("m-c", "Matching/OpenRound")] + ["GU1", "GU2", "GU3"].map { signed($0, "Matching/SubmitOffer") })
        }
        #expect(near(result.orders.reduce(0) { $0 + $1.mwh }, 160, 1e-6))
        // The record shows the offers as submitted.
        #expect(result.round.offers == paperOffers)
    }

    @Test("an offer that can join no coalition serving the demand gets no order")
    func bestCoalitionIsNotEveryone() throws {
        // GU4 alone cannot reach 160 MWh (at most 150), and with anyone else its minimum and theirs
        // already exceed it: every coalition with GU4 is worth 0, and the best one is GU1–GU3.
        // The paper's price rule, with Σ pmin = 230 above the demand, is the highest bid at pmin:
        // GU4's 1.1 × (2 × 0.01 × 145 + 9) = 13.09.
        let round = openRound(offers: paperOffers + [offer("GU4", min: 145, max: 150, a: 0.01, b: 9, k: 1.1)])
        let result = try #require(closed(close(round, ample(round))))
        let outcome = try #require(result.round.outcome)
        #expect(outcome.clearingPrice == Decimal(string: "13.09"))
        #expect(Set(outcome.outputs.keys) == ["GU1", "GU2", "GU3"])
        #expect(near(outcome.outputs["GU1"], 67, 0.01) && near(outcome.outputs["GU2"], 36, 0.01) && near(outcome.outputs["GU3"], 57, 0.01))
        // (13.09 − 10.74) × 67 + (13.09 − 9.64) × 36 + (13.09 − 9.94) × 57
        #expect(near(outcome.coalitionValue, 528.20, 0.01))
        #expect(result.orders.map(\.seller) == ["GU1", "GU2", "GU3"])
        #expect(!result.orders.contains { $0.seller == "GU4" })
        #expect(result.round.offers.count == 4, "GU4's offer stays on the record")
        // Paid by the game among GU1–GU3 alone: GU4, outside it, gets exactly nothing.
        #expect(outcome.shapley["GU4"] == 0)
        #expect(outcome.shapley.values.reduce(0, +) == outcome.coalitionValue)
    }

    @Test("when everyone together cannot serve, the coalition that can is paid its own value and the offer outside it nothing")
    func payoutGoesToTheServingCoalition() throws {
        // The issue's example: Σ pmin = 165 > 160, so v(N) = 0; the best coalition is {A, C}.
        let offers = [
            offer("A", min: 30, max: 100, a: 0.01, b: 8.4, k: 1.3),
            offer("B", min: 35, max: 90, a: 0.02, b: 8.2, k: 1.2),
            offer("C", min: 100, max: 150, a: 0.01, b: 8.8, k: 1.1),
        ]
        let round = openRound(offers: offers)
        let result = try #require(closed(close(round, ample(round))))
        let outcome = try #require(result.round.outcome)
        #expect(Set(outcome.outputs.keys) == ["A", "C"])
        #expect(result.orders.map(\.seller) == ["A", "C"])
        #expect(outcome.shapley["B"] == 0, "B produces nothing and is neither paid nor charged")
        #expect(outcome.shapley.values.allSatisfy { $0 >= 0 })
        // Summed in any order, the shares are the coalition's value exactly.
        #expect(outcome.shapley.values.reduce(0, +) == outcome.coalitionValue)
        #expect(outcome.shapley.values.sorted().reduce(0, +) == outcome.coalitionValue)
        // A and C alone are worth 0 (neither reaches 160 MWh), so they split v({A, C}) evenly.
        #expect(near(outcome.shapley["A"], outcome.coalitionValue / 2, 1e-9) && near(outcome.shapley["C"], outcome.coalitionValue / 2, 1e-9))
        #expect(outcome.coalitionValue > 0 && outcome.shapleySamples == nil && outcome.shapleyHalfWidth95 == nil)
    }

    @Test("a generator whose room is at or below its offer's minimum drops out; the rest clear without it")
    func roomDropsAnOffer() throws {
        let round = openRound()
        // GU2: a 1 MW plan (744 MWh) with 710 MWh sold leaves 34 MWh, below its 35 MWh minimum.
        var facts = ample(round)
        facts.planMaxMw["GU2"] = 1
        facts.committedMwh["GU2"] = 710
        let game = RoundClosing.game(round, facts)
        #expect(near(game.rooms["GU2"], 34, 1e-9) && near(game.rooms["GU1"], 744_000, 1e-9))
        #expect(game.round.offers.map(\.generator) == ["GU1", "GU3"])

        let result = try #require(closed(close(round, facts)))
        let outcome = try #require(result.round.outcome)
        // {GU1, GU3}: x = 160 − 50, GU1 at 100 bids 1.3 × 10.4 = 13.52; GU3 at 105 bids 11.99.
        #expect(outcome.clearingPrice == Decimal(string: "13.52"))
        // 0.04 p1 + 8.4 = 0.04 p3 + 8.8 and p1 + p3 = 160: 85 and 75.
        #expect(near(outcome.outputs["GU1"], 85, 0.01) && near(outcome.outputs["GU3"], 75, 0.01) && outcome.outputs["GU2"] == nil)
        // 3.42 × 85 + 3.22 × 75 = 532.20, shared equally: neither reaches 160 MWh alone.
        #expect(near(outcome.coalitionValue, 532.20, 0.01))
        #expect(near(outcome.shapley["GU1"], 266.10, 0.01) && near(outcome.shapley["GU3"], 266.10, 0.01))
        #expect(result.orders.map(\.id) == ["r-1-1", "r-1-2"] && result.orders.map(\.seller) == ["GU1", "GU3"])
    }

    @Test("a binding room caps a generator's output: the others make up the rest")
    func roomCapsAnOutput() throws {
        let round = openRound()
        // GU1: 1 MW (744 MWh) with 684 MWh sold leaves 60 MWh, below the 67 it would otherwise clear.
        var facts = ample(round)
        facts.planMaxMw["GU1"] = 1
        facts.committedMwh["GU1"] = 684
        let game = RoundClosing.game(round, facts)
        #expect(game.round.offers.first { $0.generator == "GU1" }?.maxMwh == 60)
        #expect(game.round.offers.first { $0.generator == "GU2" }?.maxMwh == 90, "a room above the offer leaves it as offered")

        let result = try #require(closed(close(round, facts)))
        let outcome = try #require(result.round.outcome)
        #expect(outcome.clearingPrice == Decimal(string: "14.16"))
        // GU1 at 60; 0.08 p2 + 8.2 = 0.04 p3 + 8.8 with p2 + p3 = 100: 38.33 and 61.67.
        #expect(near(outcome.outputs["GU1"], 60, 1e-6) && near(outcome.outputs["GU2"], 38.333, 0.01) && near(outcome.outputs["GU3"], 61.667, 0.01))
        #expect(near(outcome.coalitionValue, 697.77, 0.01))
        #expect(near(outcome.shapley.values.reduce(0, +), outcome.coalitionValue, 1e-6))
        #expect(result.orders.first { $0.seller == "GU1" }?.mwh == outcome.outputs["GU1"])
    }

    @Test("a generator with no plan for the month has no room")
    func noPlanNoRoom() {
        let round = openRound()
        var facts = ample(round)
        facts.planMaxMw["GU3"] = nil
        let game = RoundClosing.game(round, facts)
        #expect(game.rooms["GU3"] == 0)
        #expect(game.round.offers.map(\.generator) == ["GU1", "GU2"])
    }

    @Test("rounds that cannot clear fail with the reason and make no orders")
    func roundsThatFail() throws {
        // No offers.
        let empty = try #require(closed(close(openRound(offers: []), RoundClosing.RoomFacts(planMaxMw: [:], committedMwh: [:]))))
        #expect(empty.round.status == .failed && empty.round.reason == "no offers" && empty.round.outcome == nil && empty.orders.isEmpty)

        // Offers, but no generator has room: the game has no one to play.
        let full = try #require(closed(close(openRound(), RoundClosing.RoomFacts(planMaxMw: [:], committedMwh: [:]))))
        #expect(full.round.status == .failed && full.round.reason == "no offers" && full.orders.isEmpty)
        #expect(full.round.offers == paperOffers)

        // The clearing price above the consumer's limit.
        let price = try #require(closed(close(openRound(), ample(openRound())))?.round.outcome?.clearingPrice)
        let dear = try #require(closed(close(openRound(maxPrice: 14), ample(openRound()))))
        #expect(dear.round.status == .failed && dear.orders.isEmpty && dear.round.outcome == nil)
        #expect(dear.round.reason == "clearing price \(price) is above the consumer's limit 14" && price == Decimal(string: "14.16"))

        // More than all offers together can make: no coalition serves it.
        let large = try #require(closed(close(openRound(demandMwh: 500), ample(openRound()))))
        #expect(large.round.status == .failed && large.orders.isEmpty)
        #expect(large.round.reason?.contains("500") == true)
    }

    @Test("a room that changed while the game ran means playing again; a round closed meanwhile means nothing to write")
    func retriesAfterTheGame() throws {
        let round = openRound()
        let before = ample(round)
        let game = RoundClosing.game(round, before)
        let clearing = RoundRules.clear(game.round)

        // GU2 sold 10 MWh bilaterally while the game ran.
        var after = before
        after.committedMwh["GU2"] = 10
        #expect(RoundClosing.decide(game, clearing: clearing, current: round, after, nowMs: 10_000) == .replay)
        // Played again on the new rooms, it closes.
        let again = RoundClosing.game(round, after)
        #expect(closed(RoundClosing.decide(again, clearing: RoundRules.clear(again.round), current: round, after, nowMs: 10_000)) != nil)

        var done = round
        done.status = .cleared
        #expect(RoundClosing.decide(game, clearing: clearing, current: done, before, nowMs: 10_000) == .alreadyClosed)
        #expect(RoundClosing.decide(game, clearing: clearing, current: nil, before, nowMs: 10_000) == .alreadyClosed)
        // Rooms unchanged: the same closing, whenever it is decided, names the same orders.
        let first = try #require(closed(RoundClosing.decide(game, clearing: clearing, current: round, before, nowMs: 10_000)))
        let second = try #require(closed(RoundClosing.decide(game, clearing: clearing, current: round, before, nowMs: 10_000)))
        #expect(first == second)
    }

    @Test("a close that fails is retried after 0.5 s, doubling up to 10 s, for ever")
    func retryDelays() {
        let delays = (1...8).map { RoundRetry.delay(afterFailures: $0) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10), .seconds(10)])
        #expect(RoundRetry.delay(afterFailures: 1_000) == .seconds(10))
        #expect(RoundRetry.delay(afterFailures: 0) == .milliseconds(500))
    }
}
