import Foundation
import Game
import Messages

/// The checks of a multilateral round and its offers, and how a closed round clears.
public enum RoundRules {
    public static let minDurationMs: Int64 = 1_000
    public static let maxDurationMs: Int64 = 7 * 24 * 3_600_000

    /// The round's pricing (`paper` when the request names none). A pricing that is neither does
    /// not decode: INVALID_ARGUMENT, `body.pricing has an invalid value`.
    public static func validate(_ request: OpenRoundRequest) throws(MatchingError) -> RoundPricing {
        guard request.month.isValid else { throw .invalid(field: "month", reason: "must be a month, YYYY-MM") }
        guard (minDurationMs...maxDurationMs).contains(request.durationMs) else {
            throw .invalid(field: "duration_ms", reason: "must be from \(minDurationMs) to \(maxDurationMs)")
        }
        guard request.demandMwh.isFinite, request.demandMwh > 0, request.demandMwh <= OrderRules.maxMwh else {
            throw .invalid(field: "demand_mwh", reason: "must be above 0 and at most \(Int(OrderRules.maxMwh))")
        }
        guard request.maxPrice.isFinite, request.maxPrice >= 0 else { throw .invalid(field: "max_price", reason: "must be at least 0") }
        return request.pricing ?? .paper
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
    /// The demand it signed must be the one it published, so the round buys what it declared.
    /// `openRounds` are the rounds open now: one per consumer and month, so a demand is not bought
    /// twice over.
    public static func open(
        _ request: OpenRoundRequest, pricing: RoundPricing, consumer: MemberID, demand: Demand?, openRounds: [Round],
        id: RoundID, nowMs: Int64, openedBy: PartySignature
    ) throws(MatchingError) -> Round {
        guard let demand else { throw .failedPrecondition("\(consumer) has published no demand for \(request.month)") }
        guard abs(request.demandMwh - demand.mwh) <= 1e-9 * max(1, abs(demand.mwh)), request.maxPrice == demand.maxPrice else {
            throw .failedPrecondition(
                "the signed demand, \(request.demandMwh) MWh up to \(request.maxPrice) $/MWh, is not \(consumer)'s published demand for "
                    + "\(request.month), \(demand.mwh) MWh up to \(demand.maxPrice) $/MWh"
            )
        }
        var round = Round(
            id: id, consumer: consumer, month: request.month, demandMwh: demand.mwh, maxPrice: demand.maxPrice,
            pricing: pricing, deadlineMs: nowMs + request.durationMs, status: .open, offers: [], openedAtMs: nowMs
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
        _ request: SubmitOfferRequest, from generator: MemberID, into round: Round, planMaxMw: Double?, committedMwh: Double,
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
        /// `price` is the game's, rounded to the market's tick (`Price.rounded`).
        case cleared(price: Decimal, outputs: [MemberID: Double], payout: RoundPayout)
        case failed(String)
    }

    /// The game plays on string ids (it is generic); a round's offers are keyed by member here, in
    /// and out, and the clearing price becomes the market's Decimal here and nowhere else.
    /// The offers play in generator order, not the order they came in, so anyone who holds the
    /// signed offers (the review does) clears the round alike.
    public static func clear(_ round: Round) -> Clearing {
        guard !round.offers.isEmpty else { return .failed("no offers") }
        let generators = round.offers.sorted { $0.generator < $1.generator }.map {
            GameGenerator(id: $0.generator.rawValue, a: $0.a, b: $0.b, c: $0.c, pmin: $0.minMwh, pmax: $0.maxMwh, k: $0.k)
        }
        let pricing: Pricing =
            switch round.pricing {
            case .paper: .paper
            case .uniform: .uniform
            }
        // Exact up to the game's limit; beyond it, sampling seeded by the round, so a replay agrees.
        let method: GameMethod = generators.count <= CooperativeGame.exactLimit
            ? .exact
            : .sampled(samples: 2_000, seed: UInt64(truncatingIfNeeded: round.id.rawValue.hashValueStable))
        let result: GameResult
        do {
            result = try CooperativeGame.solve(generators, demand: round.demandMwh, pricing: pricing, method: method)
        } catch {
            return .failed("\(error)")
        }
        guard result.best.feasible else { return .failed("no coalition of the offers can serve \(round.demandMwh) MWh") }
        guard let price = Price.rounded(result.clearingPrice) else { return .failed("the game found no finite clearing price") }
        guard price <= round.maxPrice else {
            return .failed("clearing price \(price) is above the consumer's limit \(round.maxPrice)")
        }
        // S* delivers; the Shapley split among every offer (`result.shapley`) is not what is paid.
        let outputs = result.best.outputs.filter { $0.value > 1e-9 }
        return .cleared(price: price, outputs: byMember(outputs), payout: RoundPayout(result.payout))
    }

    static func byMember(_ values: [String: Double]) -> [MemberID: Double] {
        Dictionary(uniqueKeysWithValues: values.map { (MemberID($0.key), $0.value) })
    }
}

/// What settlement pays a cleared round's offers: the game's `Payout` keyed by member.
public struct RoundPayout: Equatable, Sendable {
    /// v(S*), exactly the sum of `shares`.
    public var value: Double
    /// Each offer's Shapley value among S*; exactly 0 outside it.
    public var shares: [MemberID: Double]
    /// Sampled shares only: each offer's 95% half-width; nil when exact.
    public var halfWidth95: [MemberID: Double]?
    /// Permutations sampled; nil when exact.
    public var samples: Int?

    public init(value: Double, shares: [MemberID: Double], halfWidth95: [MemberID: Double]? = nil, samples: Int? = nil) {
        self.value = value
        self.shares = shares
        self.halfWidth95 = halfWidth95
        self.samples = samples
    }

    init(_ payout: Payout) {
        self.init(
            value: payout.value, shares: RoundRules.byMember(payout.shares), halfWidth95: payout.halfWidth95.map(RoundRules.byMember),
            samples: payout.samples
        )
    }
}

extension String {
    /// FNV-1a: a hash that is the same in every process (Swift's `hashValue` is seeded per run).
    var hashValueStable: UInt64 {
        utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
