/// The cooperative game of SPEC.md section 4: a clearing price, coalition values by exact KKT
/// dispatch, Shapley values (exact or sampled) and the core check. Pure functions, no I/O.
public enum CooperativeGame {
    /// Above this many generators the CLI refuses the exact method unless asked (`--exact`).
    public static let exactLimit = 20
    /// `solve(.exact)` and `exactShapley` refuse more than this: 2^n values are held in memory and
    /// `solve` lists every coalition (2^22 − 1 of them already take gigabytes).
    public static let exactHardLimit = 22

    /// Validates the input, sets the price, then values coalitions and shares v(N) by Shapley.
    public static func solve(_ generators: [GameGenerator], demand: Double, pricing: Pricing, method: GameMethod) throws(GameError) -> GameResult {
        switch method {
        case .exact:
            try validate(generators, demand: demand)
            guard generators.count <= exactHardLimit else { throw .tooManyForExact(count: generators.count, limit: exactHardLimit) }
            let price = price(generators, demand: demand, pricing: pricing)
            let game = ExactGame(table: UnitTable(generators), demand: demand, price: price)
            let x = game.shapley()
            let ids = generators.map(\.id)
            let coalitions = game.listingOrder().map { game.coalition(mask: $0, ids: ids) }
            let best = game.bestMask().map { game.coalition(mask: $0, ids: ids) } ?? Coalition(members: [], value: 0, feasible: false, outputs: [:])
            return GameResult(
                clearingPrice: price, pricing: pricing, coalitions: coalitions, best: best,
                shapley: shapleyEstimate(generators, x), core: coreCheck(game, x, generators)
            )
        case .sampled(let samples, let seed):
            return try solve(generators, demand: demand, pricing: pricing, sampling: SamplingPlan(samples: samples, seed: seed))
        }
    }

    /// The sampled method with a plan: a fixed count, or until a precision target (see `SamplingPlan`).
    /// `coalitions` holds only `best`; `core` is nil.
    public static func solve(_ generators: [GameGenerator], demand: Double, pricing: Pricing, sampling plan: SamplingPlan) throws(GameError) -> GameResult {
        try validate(generators, demand: demand)
        let price = price(generators, demand: demand, pricing: pricing)
        let outcome = try sampleShapley(generators, demand: demand, price: price, plan: plan)
        let best = bestCoalition(generators, demand: demand, price: price, starts: [Array(generators.indices), outcome.bestSeen])
        return GameResult(clearingPrice: price, pricing: pricing, coalitions: [best], best: best, shapley: outcome.estimate, core: nil)
    }
}
