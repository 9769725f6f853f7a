import Foundation
import Game
import GridProtocol
import MatchingCore
import Messages
import Testing

@Suite("Matching request decisions")
struct RequestDecisionTests {
    let request = CreateOrderRequest(seller: "m-s", buyer: "m-b", price: 14, monthlySplit: [.init(month: "2027-01", mwh: 50), .init(month: "2026-12", mwh: 100)])

    @Test("a new order: the creator is a party, the period spans its months, the creator's consent is kept")
    func createOrder() throws {
        let order = try OrderRules.create(request, by: "m-b", id: "o-1", nowMs: 7, signature: signed("m-b", "Matching/CreateOrder"))
        #expect(order.id == "o-1" && order.creator == "m-b" && order.createdAtMs == 7 && order.status == .open)
        #expect(order.mwh == 150 && order.periodStart == "2026-12" && order.periodEnd == "2027-01")
        #expect(order.signatures == [signed("m-b", "Matching/CreateOrder")])
        #expect(refusal { () throws(MatchingError) in
            _ = try OrderRules.create(request, by: "m-x", id: "o-1", nowMs: 7, signature: signed("m-x", "Matching/CreateOrder"))
        } == .forbidden("the creator of an order must be its seller or its buyer"))
        var empty = request
        empty.monthlySplit = []
        #expect(answers(refusal { () throws(MatchingError) in
            _ = try OrderRules.create(empty, by: "m-b", id: "o-1", nowMs: 7, signature: signed("m-b", "Matching/CreateOrder"))
        }, .invalidArgument))
    }

    @Test("the counterparty confirms with its consent added, or rejects with a reason")
    func decideOrder() throws {
        let order = try OrderRules.create(request, by: "m-b", id: "o-1", nowMs: 7, signature: signed("m-b", "Matching/CreateOrder"))
        let confirmed = try OrderRules.decided(order, by: "m-s", confirm: true, reason: "ignored", nowMs: 9, signature: signed("m-s", "Matching/ConfirmOrder"))
        #expect(confirmed.status == .confirmed && confirmed.reason == nil && confirmed.decidedAtMs == 9)
        #expect(confirmed.signatures == [signed("m-b", "Matching/CreateOrder"), signed("m-s", "Matching/ConfirmOrder")])
        let rejected = try OrderRules.decided(order, by: "m-s", confirm: false, reason: "too dear", nowMs: 9, signature: signed("m-s", "Matching/RejectOrder"))
        #expect(rejected.status == .rejected && rejected.reason == "too dear" && rejected.signatures == order.signatures)
        #expect(refusal { () throws(MatchingError) in try OrderRules.checkReason(confirm: false, reason: "  ") } == .invalid(field: "reason", reason: "is required to reject"))
        #expect(refusal { () throws(MatchingError) in try OrderRules.checkReason(confirm: false, reason: nil) } != nil)
        #expect(refusal { () throws(MatchingError) in try OrderRules.checkReason(confirm: true, reason: nil) } == nil)
    }

    @Test("a round opens on the consumer's demand, one per consumer and month")
    func openRound() throws {
        let demand = Demand(memberId: "m-c", month: "2026-12", mwh: 160, maxPrice: 20, publishedAtMs: 0)
        let ask = OpenRoundRequest(month: "2026-12", durationMs: 5_000, demandMwh: 160, maxPrice: 20)
        let opened = signed("m-c", "Matching/OpenRound")
        let round = try RoundRules.open(ask, pricing: .uniform, consumer: "m-c", demand: demand, openRounds: [], id: "r-9", nowMs: 1_000, openedBy: opened)
        #expect(round.id == "r-9" && round.status == .open && round.deadlineMs == 6_000 && round.openedAtMs == 1_000)
        #expect(round.demandMwh == 160 && round.maxPrice == 20 && round.pricing == .uniform && round.offers.isEmpty && round.openedBy == opened)

        #expect(refusal { () throws(MatchingError) in
            _ = try RoundRules.open(ask, pricing: .paper, consumer: "m-c", demand: nil, openRounds: [], id: "r-9", nowMs: 1_000, openedBy: opened)
        } == .failedPrecondition("m-c has published no demand for 2026-12"))
        #expect(refusal { () throws(MatchingError) in
            _ = try RoundRules.open(ask, pricing: .paper, consumer: "m-c", demand: demand, openRounds: [round], id: "r-10", nowMs: 1_000, openedBy: opened)
        } == .failedPrecondition("m-c already has an open round for 2026-12"))
        // The signed demand must be the published one: more energy, or a higher limit, is refused.
        for (mwh, limit) in [(161.0, Decimal(20)), (160, Decimal(string: "20.01")!)] {
            let other = OpenRoundRequest(month: "2026-12", durationMs: 5_000, demandMwh: mwh, maxPrice: limit)
            #expect(answers(refusal { () throws(MatchingError) in
                _ = try RoundRules.open(other, pricing: .paper, consumer: "m-c", demand: demand, openRounds: [], id: "r-9", nowMs: 1_000, openedBy: opened)
            }, .failedPrecondition))
        }
        // Another month, or another consumer's round, is no obstacle.
        var other = round
        other.month = "2027-01"
        #expect(refusal { () throws(MatchingError) in
            _ = try RoundRules.open(ask, pricing: .paper, consumer: "m-c", demand: demand, openRounds: [other], id: "r-10", nowMs: 1_000, openedBy: opened)
        } == nil)
    }

    @Test("an offer goes into an open round before its deadline, within the plan, replacing the generator's earlier one")
    func acceptOffer() throws {
        let round = Round(id: "r-1", consumer: "m-c", month: "2026-12", demandMwh: 160, maxPrice: 20, pricing: .paper, deadlineMs: 10_000, status: .open, offers: [], openedAtMs: 0)
        let first = SubmitOfferRequest(roundId: "r-1", minMwh: 30, maxMwh: 100, a: 0.01, b: 8.4, c: 0, k: 1.3)
        var offered = try RoundRules.accept(first, from: "GU1", into: round, planMaxMw: 1, committedMwh: 0, nowMs: 9_999, signature: signed("GU1", "Matching/SubmitOffer"))
        #expect(offered.offers.count == 1 && offered.offerCount == 1 && offered.offers[0].submittedAtMs == 9_999)
        #expect(offered.offers[0].signature == signed("GU1", "Matching/SubmitOffer"))
        var second = first
        second.maxMwh = 90
        offered = try RoundRules.accept(second, from: "GU1", into: offered, planMaxMw: 1, committedMwh: 0, nowMs: 9_999, signature: signed("GU1", "Matching/SubmitOffer"))
        #expect(offered.offers.map(\.maxMwh) == [90] && offered.offerCount == 1)

        #expect(refusal { () throws(MatchingError) in
            _ = try RoundRules.accept(first, from: "GU1", into: round, planMaxMw: 1, committedMwh: 0, nowMs: 10_000, signature: signed("GU1", "x"))
        } == .failedPrecondition("round r-1 is closed"))
        // 1 MW in December is 744 MWh: 650 sold leaves 94, short of the 100 offered.
        #expect(answers(refusal { () throws(MatchingError) in
            _ = try RoundRules.accept(first, from: "GU1", into: round, planMaxMw: 1, committedMwh: 650, nowMs: 0, signature: signed("GU1", "x"))
        }, .failedPrecondition))
        #expect(answers(refusal { () throws(MatchingError) in
            _ = try RoundRules.accept(first, from: "GU1", into: round, planMaxMw: nil, committedMwh: 0, nowMs: 0, signature: signed("GU1", "x"))
        }, .failedPrecondition))
    }

    @Test("each refusal maps to its status")
    func statuses() {
        #expect(MatchingError.invalid(field: "price", reason: "must be positive").status == Status(code: .invalidArgument, message: "body.price must be positive"))
        #expect(MatchingError.notFound("no round 'r'").status == Status(code: .notFound, message: "no round 'r'"))
        #expect(MatchingError.failedPrecondition("closed").status == Status(code: .failedPrecondition, message: "closed"))
        #expect(MatchingError.forbidden("not yours").status == Status(code: .permissionDenied, message: "not yours"))
    }
}
