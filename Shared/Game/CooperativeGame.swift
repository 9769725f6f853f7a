/// The cooperative game of SPEC.md section 4: a clearing price, coalition values by exact KKT
/// dispatch, Shapley values (exact or sampled) and the core check. Pure functions, no I/O.
public enum CooperativeGame {
    /// Above this many generators the CLI refuses the exact method unless asked (`--exact`).
    public static let exactLimit = 20
    /// `solve(.exact)` and `exactShapley` refuse more than this: 2^n values are held in memory and
    /// `solve` lists every coalition (2^22 − 1 of them already take gigabytes).
    public static let exactHardLimit = 22

    /// Validates the input, sets the price, then values coalitions, shares v(N) by Shapley (`shapley`)
    /// and pays S* by the game among S* alone (`payout`).
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
            let (best, payout) = serving(game, ids: ids)
            return GameResult(
                clearingPrice: price, pricing: pricing, coalitions: coalitions, best: best,
                shapley: shapleyEstimate(generators, x), core: coreCheck(game, x, generators), payout: payout
            )
        case .sampled(let samples, let seed):
            return try solve(generators, demand: demand, pricing: pricing, sampling: SamplingPlan(samples: samples, seed: seed))
        }
    }

    /// The sampled method with a plan: a fixed count, or until a precision target (see `SamplingPlan`).
    /// `coalitions` holds only `best`; `core` is nil. S* is exact up to `exactLimit` generators
    /// (every coalition is valued, 2^n of them), the heuristic search above. The payout's shares
    /// are exact while S* has at most `exactSharesUpTo` members (capped at `exactHardLimit`), else
    /// sampled among S* by the same plan.
    public static func solve(
        _ generators: [GameGenerator], demand: Double, pricing: Pricing, sampling plan: SamplingPlan, exactSharesUpTo limit: Int = exactLimit
    ) throws(GameError) -> GameResult {
        try validate(generators, demand: demand)
        let price = price(generators, demand: demand, pricing: pricing)
        let outcome = try sampleShapley(generators, demand: demand, price: price, plan: plan)
        let ids = generators.map(\.id)
        let best: Coalition
        let payout: Payout
        if generators.count <= exactLimit {
            let game = ExactGame(table: UnitTable(generators), demand: demand, price: price)
            let mask = game.bestMask()
            if let mask, mask.nonzeroBitCount <= min(limit, exactHardLimit) {
                (best, payout) = serving(game, ids: ids)
            } else {
                best = mask.map { game.coalition(mask: $0, ids: ids) } ?? noCoalition
                payout = try self.payout(generators, serving: best, demand: demand, price: price, exactSharesUpTo: limit, plan: plan)
            }
        } else {
            best = bestCoalition(generators, demand: demand, price: price, starts: [Array(generators.indices), outcome.bestSeen])
            payout = try self.payout(generators, serving: best, demand: demand, price: price, exactSharesUpTo: limit, plan: plan)
        }
        return GameResult(clearingPrice: price, pricing: pricing, coalitions: [best], best: best, shapley: outcome.estimate, core: nil, payout: payout)
    }

    static let noCoalition = Coalition(members: [], value: 0, feasible: false, outputs: [:])

    /// S* from the exact table and its exact payout (no one's, paying 0, when nothing can serve:
    /// validated input always has some coalition that can).
    private static func serving(_ game: ExactGame, ids: [String]) -> (Coalition, Payout) {
        guard let mask = game.bestMask() else { return (noCoalition, payout(game, mask: 0, ids: ids)) }
        return (game.coalition(mask: mask, ids: ids), payout(game, mask: mask, ids: ids))
    }

    /// The payout of a coalition found outside the exact table.
    private static func payout(
        _ generators: [GameGenerator], serving best: Coalition, demand: Double, price: Double, exactSharesUpTo limit: Int, plan: SamplingPlan
    ) throws(GameError) -> Payout {
        let chosen = Set(best.feasible ? best.members : [])
        let members = generators.indices.filter { chosen.contains(generators[$0].id) }
        return try payout(generators, members: members, value: best.value, demand: demand, price: price, exactSharesUpTo: limit, plan: plan)
    }
}
