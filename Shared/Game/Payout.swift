/// Who is paid when a round clears (SPEC.md section 4, "Who is paid when the best coalition is not
/// everyone"): the coalition that serves, S*, plays the game among itself alone.
///
/// The Shapley split of the game among all offers (`GameResult.shapley`) shares v(N), which is not
/// what is earned when S* is not everyone (v(N) is 0 when the offers cannot serve D together), and
/// it charges offers that produce nothing. The payout instead gives each member of S* its Shapley
/// value in (S*, v restricted to the subsets of S*), and every other offer exactly 0.
public struct Payout: Sendable, Equatable {
    /// S*: the ids of the coalition that serves (`GameResult.best`), in input order. Empty only when
    /// no coalition was found that can serve D.
    public var coalition: [String]
    /// v(S*) on the grid of `quantum` (see `MoneyGrid`): exactly the sum of `shares`, in any order.
    public var value: Double
    /// Every offer's share: its Shapley value in the game among S* (exact, or the sampled estimate),
    /// on the grid; exactly 0 for an offer outside S*.
    public var shares: [String: Double]
    /// The grid's spacing, a power of two: `value` is v(S*) to within quantum / 2.
    public var quantum: Double
    /// Sampled shares only: each offer's 95% confidence half-width (1.96 · sd / √samples), 0 outside
    /// S*; nil when the shares are exact.
    public var halfWidth95: [String: Double]?
    /// Permutations sampled; nil when exact.
    public var samples: Int?

    public init(coalition: [String], value: Double, shares: [String: Double], quantum: Double,
                halfWidth95: [String: Double]? = nil, samples: Int? = nil) {
        self.coalition = coalition
        self.value = value
        self.shares = shares
        self.quantum = quantum
        self.halfWidth95 = halfWidth95
        self.samples = samples
    }
}

extension CooperativeGame {
    /// The payout when the exact table `game` (over all the generators) has S* = `mask`.
    static func payout(_ game: ExactGame, mask: Int, ids: [String]) -> Payout {
        let members = ids.indices.filter { mask & (1 << $0) != 0 }
        return payout(ids: ids, members: members, value: game.values[mask], shares: game.shapley(within: mask))
    }

    /// The payout when S* is `members` (indices in input order), worth `value` (the double
    /// `GameResult.best` reports): exact Shapley within S* up to `limit` members (never above
    /// `exactHardLimit`), else the plan's sampled estimate whose every permutation sums to `value`.
    static func payout(
        _ generators: [GameGenerator], members: [Int], value: Double, demand: Double, price: Double,
        exactSharesUpTo limit: Int, plan: SamplingPlan
    ) throws(GameError) -> Payout {
        let ids = generators.map(\.id)
        guard !members.isEmpty else { return payout(ids: ids, members: [], value: 0, shares: []) }
        let players = members.map { generators[$0] }
        if members.count <= min(limit, exactHardLimit) {
            let game = ExactGame(table: UnitTable(players), demand: demand, price: price)
            return payout(ids: ids, members: members, value: value, shares: game.shapley())
        }
        let outcome = try sampleShapley(players, demand: demand, price: price, plan: plan, efficientTo: value)
        let estimate = outcome.estimate
        return payout(
            ids: ids, members: members, value: value, shares: players.map { estimate.values[$0.id] ?? 0 },
            halfWidths: players.map { estimate.halfWidth95?[$0.id] ?? 0 }, samples: estimate.samples
        )
    }

    /// Puts the members' shares on the money grid and gives every other offer 0.
    private static func payout(
        ids: [String], members: [Int], value: Double, shares: [Double], halfWidths: [Double]? = nil, samples: Int? = nil
    ) -> Payout {
        let grid = MoneyGrid.apportion(shares, total: value)
        var byID = Dictionary(uniqueKeysWithValues: ids.map { ($0, 0.0) })
        for (position, i) in members.enumerated() { byID[ids[i]] = grid.shares[position] }
        var widths: [String: Double]? = nil
        if let halfWidths {
            var all = Dictionary(uniqueKeysWithValues: ids.map { ($0, 0.0) })
            for (position, i) in members.enumerated() { all[ids[i]] = halfWidths[position] }
            widths = all
        }
        return Payout(coalition: members.map { ids[$0] }, value: grid.total, shares: byID, quantum: grid.quantum,
                      halfWidth95: widths, samples: samples)
    }
}
