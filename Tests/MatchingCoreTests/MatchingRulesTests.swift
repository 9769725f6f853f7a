import Foundation
import GridProtocol
import MatchingCore
import Messages
import Testing

func refusal(_ body: () throws(MatchingError) -> Void) -> MatchingError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// Whether a refusal answers with this status code.
func answers(_ error: MatchingError?, _ code: StatusCode) -> Bool {
    error?.status.code == Status(code: code).code
}

@Suite("Matching rules")
struct MatchingRulesTests {
    let order = CreateOrderRequest(seller: "m-seller", buyer: "m-buyer", price: 14, monthlySplit: [.init(month: "2026-12", mwh: 100), .init(month: "2027-01", mwh: 50)])

    @Test("a trade order's fields are checked by name")
    func orderFields() {
        #expect(refusal { () throws(MatchingError) in try OrderRules.validate(order) } == nil)
        var bad = order
        bad.buyer = bad.seller
        #expect(refusal { () throws(MatchingError) in try OrderRules.validate(bad) } == .invalid(field: "buyer", reason: "must differ from the seller"))
        bad = order
        bad.price = 0
        #expect(refusal { () throws(MatchingError) in try OrderRules.validate(bad) }?.status.message.hasPrefix("body.price") == true)
        bad = order
        bad.monthlySplit[1].month = "2026-12"
        #expect(refusal { () throws(MatchingError) in try OrderRules.validate(bad) } == .invalid(field: "monthly_split[1].month", reason: "repeats 2026-12"))
        bad = order
        bad.monthlySplit[0].mwh = -5
        #expect(answers(refusal { () throws(MatchingError) in try OrderRules.validate(bad) }, .invalidArgument))
        bad = order
        bad.monthlySplit = []
        #expect(answers(refusal { () throws(MatchingError) in try OrderRules.validate(bad) }, .invalidArgument))
    }

    @Test("only the counterparty decides an open order")
    func decisions() throws {
        let open = TradeOrder(id: "o-1", creator: "m-buyer", createdAtMs: 0, seller: "m-seller", buyer: "m-buyer", mwh: 1, price: 1,
                              periodStart: "2026-12", periodEnd: "2026-12", monthlySplit: [.init(month: "2026-12", mwh: 1)], status: .open)
        #expect(try OrderRules.decide(open, by: "m-seller", confirm: true) == .confirmed)
        #expect(try OrderRules.decide(open, by: "m-seller", confirm: false) == .rejected)
        #expect(answers(refusal { () throws(MatchingError) in _ = try OrderRules.decide(open, by: "m-buyer", confirm: true) }, .permissionDenied))
        #expect(answers(refusal { () throws(MatchingError) in _ = try OrderRules.decide(open, by: "m-other", confirm: true) }, .permissionDenied))
        var done = open
        done.status = .confirmed
        #expect(answers(refusal { () throws(MatchingError) in _ = try OrderRules.decide(done, by: "m-seller", confirm: false) }, .failedPrecondition))
    }

    @Test("a plan's capacity is its max MW for every hour of the month")
    func capacity() {
        // December: 744 hours; February 2027: 672.
        #expect(DeliveryMonth("2026-12").hours == 744 && DeliveryMonth("2027-02").hours == 672 && DeliveryMonth("2028-02").hours == 696)
        #expect(refusal { () throws(MatchingError) in try OrderRules.checkCapacity(month: "2026-12", planMaxMw: 10, committedMwh: 7000, addingMwh: 440, seller: "s") } == nil)
        #expect(answers(refusal { () throws(MatchingError) in try OrderRules.checkCapacity(month: "2026-12", planMaxMw: 10, committedMwh: 7000, addingMwh: 441, seller: "s") }, .failedPrecondition))
        #expect(answers(refusal { () throws(MatchingError) in try OrderRules.checkCapacity(month: "2026-12", planMaxMw: nil, committedMwh: 0, addingMwh: 1, seller: "s") }, .failedPrecondition))
    }

    @Test("a round on the paper's offers clears like the paper; no offers, or too high a price, fails")
    func clearing() {
        let offers = [
            RoundOffer(generator: "GU1", minMwh: 30, maxMwh: 100, a: 0.01, b: 8.4, c: 0, k: 1.3, submittedAtMs: 0),
            RoundOffer(generator: "GU2", minMwh: 35, maxMwh: 90, a: 0.02, b: 8.2, c: 0, k: 1.2, submittedAtMs: 0),
            RoundOffer(generator: "GU3", minMwh: 20, maxMwh: 105, a: 0.01, b: 8.8, c: 0, k: 1.1, submittedAtMs: 0),
        ]
        var round = Round(id: "r-1", consumer: "m-c", month: "2026-12", demandMwh: 160, maxPrice: 20, pricing: .paper, deadlineMs: 0, status: .open, offers: offers, openedAtMs: 0)
        guard case let .cleared(price, outputs, payout) = RoundRules.clear(round) else {
            Issue.record("the paper's round did not clear")
            return
        }
        // The game's 14.159999999999998, on the market's tick.
        #expect(price == Decimal(string: "14.16"))
        #expect(abs(payout.value - 699.40) < 0.01)
        #expect(abs(outputs["GU1", default: 0] - 67) < 0.01 && abs(outputs["GU2", default: 0] - 36) < 0.01 && abs(outputs["GU3", default: 0] - 57) < 0.01)
        #expect(abs(payout.shares["GU1", default: 0] - 253.91) < 0.015 && abs(payout.shares["GU2", default: 0] - 211.49) < 0.015)
        round.maxPrice = 14
        #expect(RoundRules.clear(round) == .failed("clearing price 14.16 is above the consumer's limit 14"))
        // At the limit exactly, it clears: the rounded price is compared, in Decimal.
        round.maxPrice = price
        #expect(RoundRules.clear(round) != .failed("clearing price 14.16 is above the consumer's limit 14.16"))
        round.offers = []
        #expect(RoundRules.clear(round) == .failed("no offers"))
    }

    @Test("a round's request and offers are checked by name")
    func roundFields() throws {
        #expect(refusal { () throws(MatchingError) in _ = try RoundRules.validate(OpenRoundRequest(month: "2026-12", durationMs: 10, demandMwh: 160, maxPrice: 20)) }?.status.message.hasPrefix("body.duration_ms") == true)
        // A pricing that is neither paper nor uniform does not decode: still INVALID_ARGUMENT, naming the field.
        let auction = Data(#"{"month":"2026-12","duration_ms":5000,"pricing":"auction","demand_mwh":160,"max_price":20}"#.utf8)
        do {
            _ = try JSONDecoder().decode(OpenRoundRequest.self, from: auction)
            Issue.record("an unknown pricing decoded")
        } catch {
            #expect(StatusMapping.status(for: error) == Status(code: .invalidArgument, message: "body.pricing has an invalid value"))
        }
        #expect(try JSONDecoder().decode(OpenRoundRequest.self, from: Data(#"{"month":"2026-12","duration_ms":5000,"demand_mwh":160,"max_price":20}"#.utf8)).pricing == nil)
        // The demand is part of what the consumer signs: without it the request does not decode.
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(OpenRoundRequest.self, from: Data(#"{"month":"2026-12","duration_ms":5000}"#.utf8)) }
        #expect(refusal { () throws(MatchingError) in _ = try RoundRules.validate(OpenRoundRequest(month: "2026-12", durationMs: 5_000, demandMwh: 0, maxPrice: 20)) }?.status.message.hasPrefix("body.demand_mwh") == true)
        #expect(refusal { () throws(MatchingError) in _ = try RoundRules.validate(OpenRoundRequest(month: "2026-12", durationMs: 5_000, demandMwh: 10, maxPrice: -1)) }?.status.message.hasPrefix("body.max_price") == true)
        #expect(try RoundRules.validate(OpenRoundRequest(month: "2026-12", durationMs: 5_000, demandMwh: 160, maxPrice: 20)) == .paper)
        #expect(try RoundRules.validate(OpenRoundRequest(month: "2026-12", durationMs: 5_000, pricing: .uniform, demandMwh: 160, maxPrice: 20)) == .uniform)
        #expect(refusal { () throws(MatchingError) in try RoundRules.validate(SubmitOfferRequest(roundId: "r", minMwh: 10, maxMwh: 5, a: 0.01, b: 8, c: 0, k: 1.2)) }?.status.message.hasPrefix("body.max_mwh") == true)
        #expect(refusal { () throws(MatchingError) in try RoundRules.validate(SubmitOfferRequest(roundId: "r", minMwh: 1, maxMwh: 5, a: 0.01, b: 8, c: 0, k: 1.0)) }?.status.message.hasPrefix("body.k") == true)
    }
}
