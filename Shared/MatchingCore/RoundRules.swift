import Game
import Messages

/// The checks of a multilateral round and its offers, and how a closed round clears.
public enum RoundRules {
    public static let minDurationMs: Int64 = 1_000
    public static let maxDurationMs: Int64 = 7 * 24 * 3_600_000

    public static func validate(_ request: OpenRoundRequest) throws(MatchingError) -> Pricing {
        guard Months.isValid(request.month) else { throw .invalid(field: "month", reason: "must be a month, YYYY-MM") }
        guard (minDurationMs...maxDurationMs).contains(request.durationMs) else {
            throw .invalid(field: "duration_ms", reason: "must be from \(minDurationMs) to \(maxDurationMs)")
        }
        guard let pricing = Pricing(rawValue: request.pricing ?? Pricing.paper.rawValue) else {
            throw .invalid(field: "pricing", reason: "must be paper or uniform")
        }
        return pricing
    }

    public static func validate(_ request: SubmitOfferRequest) throws(MatchingError) {
        guard request.minMwh.isFinite, request.minMwh >= 0 else { throw .invalid(field: "min_mwh", reason: "must be at least 0") }
        guard request.maxMwh.isFinite, request.maxMwh > request.minMwh, request.maxMwh <= OrderRules.maxMwh else {
            throw .invalid(field: "max_mwh", reason: "must be greater than min_mwh and at most \(Int(OrderRules.maxMwh))")
        }
        if let problem = MarketLimits.costCurveProblem(a: request.a, b: request.b, c: request.c, k: request.k) {
            throw .invalid(field: problem.field, reason: problem.reason)
        }
    }

    /// A consumer's new round on its published demand for the month, open until `nowMs + duration`.
    /// `openRounds` are the rounds open now: one per consumer and month, so a demand is not bought
    /// twice over.
    public static func open(
        _ request: OpenRoundRequest, pricing: Pricing, consumer: String, demand: Demand?, openRounds: [Round],
        id: String, nowMs: Int64, openedBy: PartySignature
    ) throws(MatchingError) -> Round {
        guard let demand else { throw .failedPrecondition("\(consumer) has published no demand for \(request.month)") }
        var round = Round(
            id: id, consumer: consumer, month: request.month, demandMwh: demand.mwh, maxPrice: demand.maxPrice,
            pricing: pricing.rawValue, deadlineMs: nowMs + request.durationMs, status: .open, offers: [], openedAtMs: nowMs
        )
        round.openedBy = openedBy
        try checkOneOpen(round, among: openRounds)
        return round
    }

    /// Refuses a second open round for the same consumer and month.
    public static func checkOneOpen(_ round: Round, among openRounds: [Round]) throws(MatchingError) {
        if openRounds.contains(where: { $0.consumer == round.consumer && $0.month == round.month && $0.id != round.id }) {
            throw .failedPrecondition("\(round.consumer) already has an open round for \(round.month)")
        }
    }

    /// The round with `generator`'s offer in it (replacing an earlier one), if the round still
    /// takes offers and the generator's plan has room for the offer's max besides what it sold.
    public static func accept(
        _ request: SubmitOfferRequest, from generator: String, into round: Round, planMaxMw: Double?, committedMwh: Double,
        nowMs: Int64, signature: PartySignature
    ) throws(MatchingError) -> Round {
        guard round.status == .open, nowMs < round.deadlineMs else { throw .failedPrecondition("round \(round.id) is closed") }
        try OrderRules.checkCapacity(month: round.month, planMaxMw: planMaxMw, committedMwh: committedMwh, addingMwh: request.maxMwh, seller: generator)
        var offer = RoundOffer(
            generator: generator, minMwh: request.minMwh, maxMwh: request.maxMwh,
            a: request.a, b: request.b, c: request.c, k: request.k, submittedAtMs: nowMs
        )
        offer.signature = signature
        var round = round
        round.offers.removeAll { $0.generator == generator }
        round.offers.append(offer)
        round.offerCount = round.offers.count
        return round
    }

    /// What a round closed with these offers decides: the coalition that serves, S* (the best
    /// one), delivers the demand at the clearing price and is paid by the game among S* alone
    /// (SPEC.md section 4, "Who is paid when the best coalition is not everyone"); or why it failed.
    public enum Clearing: Equatable, Sendable {
        case cleared(price: Double, outputs: [String: Double], payout: Payout)
        case failed(String)
    }

    public static func clear(_ round: Round) -> Clearing {
        guard !round.offers.isEmpty else { return .failed("no offers") }
        let generators = round.offers.map {
            GameGenerator(id: $0.generator, a: $0.a, b: $0.b, c: $0.c, pmin: $0.minMwh, pmax: $0.maxMwh, k: $0.k)
        }
        let pricing = Pricing(rawValue: round.pricing) ?? .paper
        // Exact up to the game's limit; beyond it, sampling seeded by the round, so a replay agrees.
        let method: GameMethod = generators.count <= CooperativeGame.exactLimit
            ? .exact
            : .sampled(samples: 2_000, seed: UInt64(truncatingIfNeeded: round.id.hashValueStable))
        let result: GameResult
        do {
            result = try CooperativeGame.solve(generators, demand: round.demandMwh, pricing: pricing, method: method)
        } catch {
            return .failed("\(error)")
        }
        guard result.best.feasible else { return .failed("no coalition of the offers can serve \(round.demandMwh) MWh") }
        guard result.clearingPrice <= round.maxPrice + 1e-9 else {
            return .failed("clearing price \(result.clearingPrice) is above the consumer's limit \(round.maxPrice)")
        }
        // S* delivers; the Shapley split among every offer (`result.shapley`) is not what is paid.
        let outputs = result.best.outputs.filter { $0.value > 1e-9 }
        return .cleared(price: result.clearingPrice, outputs: outputs, payout: result.payout)
    }
}

extension String {
    /// FNV-1a: a hash that is the same in every process (Swift's `hashValue` is seeded per run).
    var hashValueStable: UInt64 {
        utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
