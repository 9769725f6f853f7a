import Auth
import Credentials
import Foundation
import MatchingCore
import Messages
import ReviewCore
import Testing

/// A round as matching builds it from signed requests: the consumer's opening names the round,
/// each generator signs its offer into it, and `RoundClosing` makes the orders.
struct SignedRound {
    let market: Market
    let generators: [MemberSigner]
    let round: Round
    let orders: [TradeOrder]

    static let month: DeliveryMonth = "2099-01"

    struct Ask {
        var min: Double
        var max: Double
        var a: Double
        var b: Double
        var k: Double
    }

    init(_ market: Market, offers: [Ask], demandMwh: Double, maxPrice: Decimal = 1_000, pricing: RoundPricing? = nil) throws {
        self.market = market
        let opening = try market.evidence(
            market.buyer, "Matching/OpenRound",
            OpenRoundRequest(month: Self.month, durationMs: 60_000, pricing: pricing, demandMwh: demandMwh, maxPrice: maxPrice)
        )
        let id = ConsentIDs.round(openedBy: market.buyer.member, nonce: opening.nonce)
        var generators: [MemberSigner] = []
        var roundOffers: [RoundOffer] = []
        for ask in offers {
            let generator = try Market.signer(market.authority, .generator)
            let request = SubmitOfferRequest(roundId: id, minMwh: ask.min, maxMwh: ask.max, a: ask.a, b: ask.b, c: 0, k: ask.k)
            var offer = RoundOffer(generator: generator.member, minMwh: ask.min, maxMwh: ask.max, a: ask.a, b: ask.b, c: 0, k: ask.k, submittedAtMs: 1)
            offer.signature = try market.evidence(generator, "Matching/SubmitOffer", request)
            generators.append(generator)
            roundOffers.append(offer)
        }
        var round = Round(
            id: id, consumer: market.buyer.member, month: Self.month, demandMwh: demandMwh, maxPrice: maxPrice, pricing: pricing ?? .paper,
            deadlineMs: 60_000, status: .open, offers: roundOffers, openedAtMs: 0
        )
        round.openedBy = opening
        self.generators = generators
        let closed = RoundClosing.record(RoundRules.clear(round), in: round, nowMs: 1)
        self.round = closed.round
        orders = closed.orders
    }

    /// Facts under which the order passes everything but consent: admitted parties, ample plans.
    func facts(_ order: TradeOrder, uses: [ConsentKey: ConsentUse] = [:]) -> ReviewFacts {
        let seller = generators.first { $0.member == order.seller }
        return ReviewFacts(
            seller: seller.map { market.member($0, .generator) }, buyer: market.member(market.buyer, .consumer), revoked: [],
            planMaxMw: [Self.month: 100_000], approvedMwh: [:], limits: .defaults, nowMs: Date().unixMilliseconds, consentUses: uses
        )
    }

    func review(_ order: TradeOrder, uses: [ConsentKey: ConsentUse] = [:]) -> ReviewVerdict {
        ReviewRules.review(order, facts(order, uses: uses), authority: market.authority.certificate)
    }
}

/// SplitMix64: the tests' own seeded generator, so a failing case can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Consent binds one order: reused signatures are refused, a round's orders are what the game yields")
struct ConsentBindingTests {
    static let paper = [
        SignedRound.Ask(min: 30, max: 100, a: 0.01, b: 8.4, k: 1.3),
        SignedRound.Ask(min: 35, max: 90, a: 0.02, b: 8.2, k: 1.2),
        SignedRound.Ask(min: 20, max: 105, a: 0.01, b: 8.8, k: 1.1),
    ]

    @Test("a bilateral order's id is the one its creation names; the same creation under another id is refused")
    func bilateralIdIsNamed() throws {
        let market = try Market()
        let order = try market.order()
        let verdict = ReviewRules.review(order, market.facts(), authority: market.authority.certificate)
        #expect(verdict.approved)
        // Approval uses both signed requests for this order.
        #expect(Set(verdict.claims.values) == [.order(order.id)] && verdict.claims.count == 2)

        // The seller's one creation behind a second order, confirmed by the buyer under its own id.
        var copy = order
        copy.id = "o-copy"
        copy.signatures![1] = try market.evidence(market.buyer, "Matching/ConfirmOrder", OrderDecision(orderId: copy.id))
        let reasons = market.reasons(copy, market.facts())
        #expect(reasons.contains { $0.contains("seller's signature is refused") && $0.contains("made order \(order.id), not o-copy") }, "\(reasons)")
    }

    @Test("a signed request an approved order already used is refused for any other; re-reviewing the same order is not")
    func reusedNonce() throws {
        let market = try Market()
        let order = try market.order()
        let first = ReviewRules.review(order, market.facts(), authority: market.authority.certificate)
        var facts = market.facts()
        facts.consentUses = first.claims
        #expect(ReviewRules.review(order, facts, authority: market.authority.certificate) == first)

        // Another order already holds the buyer's confirmation (member, nonce).
        let confirmation = ConsentKey(order.signatures![1])
        facts.consentUses = [confirmation: .order("o-elsewhere")]
        let reasons = market.reasons(order, facts)
        #expect(reasons.count == 1 && reasons[0].contains("buyer's signed Matching/ConfirmOrder") && reasons[0].contains("already backs order o-elsewhere"), "\(reasons)")
        #expect(ReviewRules.review(order, facts, authority: market.authority.certificate).claims.isEmpty)
    }

    @Test("creation and confirmation must come from the two parties, not one")
    func twoParties() throws {
        let market = try Market()
        var order = try market.order()
        order.signatures![1] = try market.evidence(market.seller, "Matching/ConfirmOrder", OrderDecision(orderId: order.id))
        let reasons = market.reasons(order, market.facts())
        #expect(reasons.contains { $0.contains("buyer") && $0.contains("has not signed") }, "\(reasons)")
    }

    @Test("the paper's round: every order the game yields on the signed offers is approved")
    func paperRound() throws {
        let signed = try SignedRound(try Market(), offers: Self.paper, demandMwh: 160, maxPrice: 20)
        #expect(signed.orders.count == 3 && signed.orders.allSatisfy { $0.price == Decimal(string: "14.16") })
        for order in signed.orders {
            let verdict = signed.review(order)
            #expect(verdict.reasons == [], "\(order.id)")
            // The opening backs the round, the seller's own offer this order.
            let offer = try #require(signed.round.offers.first { $0.generator == order.seller }?.signature)
            #expect(verdict.claims == [ConsentKey(signed.round.openedBy!): .round(signed.round.id), ConsentKey(offer): .order(order.id)])
        }
    }

    @Test("an order with other energy, price, id or month than the game's is refused")
    func tamperedRoundOrder() throws {
        let signed = try SignedRound(try Market(), offers: Self.paper, demandMwh: 160, maxPrice: 20)
        let order = signed.orders[0]
        var more = order
        more.mwh += 10
        more.monthlySplit = [MonthlyEnergy(month: SignedRound.month, mwh: more.mwh)]
        var dearer = order
        dearer.price += Decimal(string: "0.01")!
        var renamed = order
        renamed.id = OrderID("\(order.roundId!)-9")
        var otherMonth = order
        otherMonth.monthlySplit = [MonthlyEnergy(month: "2099-02", mwh: order.mwh)]
        otherMonth.periodStart = "2099-02"
        otherMonth.periodEnd = "2099-02"
        for (name, changed, says) in [
            ("more energy", more, "yields"), ("a dearer price", dearer, "yields"), ("another id", renamed, "names this order"), ("another month", otherMonth, "yields"),
        ] {
            let reasons = signed.review(changed).reasons
            #expect(reasons.contains { $0.contains(says) }, "\(name): \(reasons)")
        }
    }

    @Test("leaving an offer out of the evidence changes the game, and the order is refused")
    func droppedOffer() throws {
        let signed = try SignedRound(try Market(), offers: Self.paper, demandMwh: 160, maxPrice: 20)
        var order = signed.orders[0]
        // The second generator's offer is gone: the game among the other two gives other outputs.
        let dropped = try #require(signed.generators.first { $0.member != order.seller }).member
        order.signatures = order.signatures!.filter { $0.member != dropped }
        let reasons = signed.review(order).reasons
        #expect(reasons.contains { $0.contains("the game on the signed offers and demand") }, "\(reasons)")
    }

    @Test("an offer into another round, a second opening, a generator's order outside the coalition are refused")
    func roundEvidence() throws {
        let market = try Market()
        let signed = try SignedRound(market, offers: Self.paper, demandMwh: 160, maxPrice: 20)
        var order = signed.orders[0]
        let elsewhere = try market.evidence(
            signed.generators[2], "Matching/SubmitOffer", SubmitOfferRequest(roundId: "r-elsewhere", minMwh: 20, maxMwh: 105, a: 0.01, b: 8.8, c: 0, k: 1.1)
        )
        order.signatures = order.signatures!.map { $0.member == signed.generators[2].member ? elsewhere : $0 }
        #expect(signed.review(order).reasons.contains { $0.contains("offered into another round") })

        // The consumer's opening of another round does not name this one.
        var reopened = signed.orders[0]
        reopened.signatures![0] = try market.evidence(
            market.buyer, "Matching/OpenRound", OpenRoundRequest(month: SignedRound.month, durationMs: 60_000, demandMwh: 160, maxPrice: 20)
        )
        #expect(signed.review(reopened).reasons.contains { $0.contains("opened round") && $0.contains("not \(signed.round.id)") })

        // Three offers of 30-100 each against 40 MWh: one serves; a second generator gets no order.
        let small = try SignedRound(market, offers: [.init(min: 30, max: 100, a: 0.01, b: 8.4, k: 1.3), .init(min: 35, max: 90, a: 0.02, b: 8.2, k: 1.2)], demandMwh: 40)
        #expect(small.orders.count == 1)
        let outside = try #require(small.generators.first { $0.member != small.orders[0].seller })
        var forged = small.orders[0]
        forged.seller = outside.member
        forged.id = OrderID("\(small.round.id)-2")
        #expect(small.review(forged).reasons.contains { $0.contains("gives \(outside.member) no energy") })
    }

    @Test("an opening or offer an approved order used for something else is refused")
    func roundReuse() throws {
        let signed = try SignedRound(try Market(), offers: Self.paper, demandMwh: 160, maxPrice: 20)
        let order = signed.orders[1]
        let opening = ConsentKey(signed.round.openedBy!)
        let offer = ConsentKey(try #require(signed.round.offers.first { $0.generator == order.seller }?.signature))
        // The same round's other orders use the opening too: that is allowed.
        #expect(signed.review(order, uses: [opening: .round(signed.round.id)]).approved)
        #expect(signed.review(order, uses: [opening: .round("r-other")]).reasons.contains { $0.contains("already backs round r-other") })
        #expect(signed.review(order, uses: [offer: .order("o-other")]).reasons.contains { $0.contains("already backs order o-other") })
    }

    @Test("random rounds: every order the game yields is approved, and a changed one is refused")
    func randomRounds() throws {
        let market = try Market()
        var random = SplitMix(state: 0x5EED_0013)
        var cleared = 0
        for _ in 0..<40 {
            let count = Int.random(in: 2...6, using: &random)
            let offers = (0..<count).map { _ in
                let min = Double(Int.random(in: 0...40, using: &random))
                return SignedRound.Ask(
                    min: min, max: min + Double(Int.random(in: 20...120, using: &random)), a: Double.random(in: 0.005...0.03, using: &random),
                    b: Double.random(in: 6...10, using: &random), k: Double.random(in: 1.05...1.4, using: &random)
                )
            }
            let total = offers.reduce(0) { $0 + $1.max }
            let demand = Double(Int.random(in: 20...Int(total * 0.9), using: &random))
            let pricing: RoundPricing = Bool.random(using: &random) ? .paper : .uniform
            let signed = try SignedRound(market, offers: offers, demandMwh: demand, pricing: pricing)
            guard signed.round.status == .cleared else { continue }
            cleared += 1
            #expect(abs(signed.orders.reduce(0) { $0 + $1.mwh } - demand) < 1e-6)
            for order in signed.orders {
                #expect(signed.review(order).reasons == [], "\(order.id) of \(offers) for \(demand)")
                var changed = order
                changed.mwh += 1
                changed.monthlySplit = [MonthlyEnergy(month: SignedRound.month, mwh: changed.mwh)]
                #expect(!signed.review(changed).approved)
            }
        }
        #expect(cleared >= 20, "too few random rounds cleared to mean anything: \(cleared)")
    }
}
