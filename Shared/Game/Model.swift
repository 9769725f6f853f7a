/// One generator's offer to the cooperative game (SPEC.md section 4).
///
/// Cost f(p) = a p² + b p + c for an output p in [pmin, pmax] MW; the unit bids r(p) = k (2 a p + b)
/// with k > 1. JSON keys are the property names: `id`, `a`, `b`, `c`, `pmin`, `pmax`, `k`.
public struct GameGenerator: Codable, Sendable, Equatable {
    public var id: String
    public var a: Double
    public var b: Double
    public var c: Double
    public var pmin: Double
    public var pmax: Double
    public var k: Double

    public init(id: String, a: Double, b: Double, c: Double = 0, pmin: Double, pmax: Double, k: Double) {
        self.id = id
        self.a = a
        self.b = b
        self.c = c
        self.pmin = pmin
        self.pmax = pmax
        self.k = k
    }

    /// The unit's bid at output p: r(p) = k (2 a p + b).
    public func bid(at p: Double) -> Double { k * (2 * a * p + b) }
}

/// How the one clearing price of the game is set.
public enum Pricing: String, Codable, Sendable, CaseIterable {
    /// The paper's rule: sweep a common increment x above every unit's minimum, unit i at
    /// min(pmin_i + x, pmax_i); the price is the highest bid with x = D − Σ pmin (over all the
    /// game's generators). When D < Σ pmin, x is taken as 0 (every unit at its minimum).
    case paper
    /// Uniform-price clearing: bids stacked in merit order, every unit at least at pmin; the lowest
    /// price at which the supply Σ clamp(p_i(π), pmin_i, pmax_i) reaches D. When Σ pmin ≥ D already,
    /// the price is the cheapest bid at minimum output, min_i r_i(pmin_i), so it is always some bid.
    case uniform
}

/// A coalition and its optimal dispatch.
public struct Coalition: Sendable, Equatable {
    /// Member ids, in the order the generators were given.
    public var members: [String]
    /// v(S): 0 when infeasible. A feasible coalition can be worth less than 0 when the price is low.
    public var value: Double
    /// Σ pmin ≤ D ≤ Σ pmax over the members.
    public var feasible: Bool
    /// MW per member at the optimum; empty when infeasible.
    public var outputs: [String: Double]

    public init(members: [String], value: Double, feasible: Bool, outputs: [String: Double]) {
        self.members = members
        self.value = value
        self.feasible = feasible
        self.outputs = outputs
    }
}

/// Shapley values, exact or estimated.
public struct ShapleyEstimate: Sendable {
    /// Generator id to its share.
    public var values: [String: Double]
    /// 95% confidence half-width per generator (1.96 · sd / √samples); nil when exact.
    public var halfWidth95: [String: Double]?
    /// Permutations sampled; nil when exact.
    public var samples: Int?

    public init(values: [String: Double], halfWidth95: [String: Double]? = nil, samples: Int? = nil) {
        self.values = values
        self.halfWidth95 = halfWidth95
        self.samples = samples
    }
}

/// Whether an allocation x is in the core: Σ x_i = v(N) and x(S) ≥ v(S) for every coalition S.
public struct CoreCheck: Sendable {
    public var inCore: Bool
    /// The coalition with the largest shortfall v(S) − x(S) (the grand coalition when efficiency
    /// fails by more); nil when in the core.
    public var mostViolated: [String]?
    /// That shortfall, > 0; nil when in the core.
    public var violation: Double?

    public init(inCore: Bool, mostViolated: [String]? = nil, violation: Double? = nil) {
        self.inCore = inCore
        self.mostViolated = mostViolated
        self.violation = violation
    }
}

/// Everything `CooperativeGame.solve` finds.
public struct GameResult: Sendable {
    public var clearingPrice: Double
    public var pricing: Pricing
    /// Exact method: every non-empty coalition, by size, then members in input order
    /// ({1}, {2}, ..., {1,2}, {1,3}, ...). Sampled: only `best`.
    public var coalitions: [Coalition]
    /// S*, the feasible coalition of largest value: who serves the demand, with outputs. Up to
    /// `CooperativeGame.exactLimit` generators (and with the exact method up to its hard limit) the
    /// true maximum over every coalition, ties settled by `ExactGame.bestMask` (within 1e-9
    /// relative: fewer members, then the first in input order). Sampled above that: the best of
    /// the grand coalition and the best coalition met while sampling, each improved by dropping
    /// units pinned at pmin while that raises the value (a heuristic; 2^n subsets are not searched).
    public var best: Coalition
    /// The game among all the generators (the paper's tables): it shares v(N), not v(S*). What a
    /// round pays is `payout`.
    public var shapley: ShapleyEstimate
    /// Exact method only.
    public var core: CoreCheck?
    /// The game among `best` alone: what each offer is paid (0 outside S*).
    public var payout: Payout

    public init(clearingPrice: Double, pricing: Pricing, coalitions: [Coalition], best: Coalition, shapley: ShapleyEstimate, core: CoreCheck?, payout: Payout) {
        self.clearingPrice = clearingPrice
        self.pricing = pricing
        self.coalitions = coalitions
        self.best = best
        self.shapley = shapley
        self.core = core
        self.payout = payout
    }
}

/// How Shapley values are computed.
public enum GameMethod: Sendable {
    /// Every coalition (2^n − 1 of them), exact Shapley and the core check.
    case exact
    /// A fixed number of seeded random permutations; see `SamplingPlan`.
    case sampled(samples: Int, seed: UInt64)
}

/// How many permutations to sample.
///
/// **The precision target.** A 95% confidence half-width h_i = 1.96 · sd_i / √m is kept for every
/// generator, where sd_i is the sample standard deviation of generator i's per-permutation
/// estimate and m the number of permutations. With `targetRelativeHalfWidth` = t the sampler stops
/// as soon as **every** generator has h_i ≤ t · scale, where scale = |v(N)| / n, the mean share of
/// the grand coalition's value (when v(N) = 0, e.g. the grand coalition cannot serve D, the best
/// coalition value met while sampling stands in, in magnitude). "1% confidence interval" means
/// t = 0.01: each share is known to within ±1% of the average share. Measuring against the average share rather than each generator's own
/// value keeps the target meaningful for generators whose share is near 0 (a relative target
/// there would never be met), and the worst generator, not the average one, decides.
/// The rule is checked every `checkEvery` permutations once `minSamples` are in; sequential
/// checking makes the stated 95% slightly optimistic, which `minSamples` keeps small.
public struct SamplingPlan: Sendable, Equatable {
    public var seed: UInt64
    /// The cap, or the exact count when there is no target.
    public var maxSamples: Int
    /// Stop once every half-width ≤ this × |v(N)|/n; nil: sample exactly `maxSamples`.
    public var targetRelativeHalfWidth: Double?
    public var minSamples: Int
    public var checkEvery: Int

    /// Exactly `samples` permutations.
    public init(samples: Int, seed: UInt64) {
        self.seed = seed
        maxSamples = samples
        targetRelativeHalfWidth = nil
        minSamples = samples
        checkEvery = samples
    }

    /// Until every half-width ≤ `target` × |v(N)|/n, or `maxSamples` permutations.
    public init(target: Double, maxSamples: Int, seed: UInt64, minSamples: Int = 200, checkEvery: Int = 100) {
        self.seed = seed
        self.maxSamples = maxSamples
        targetRelativeHalfWidth = target
        self.minSamples = min(minSamples, maxSamples)
        self.checkEvery = max(1, checkEvery)
    }
}

/// What a sampling run achieved.
public struct SamplingOutcome: Sendable {
    public var estimate: ShapleyEstimate
    /// |v(N)|/n (see `SamplingPlan`): the yardstick of the half-widths.
    public var scale: Double
    /// max_i h_i / scale (0 when every half-width is 0).
    public var worstRelativeHalfWidth: Double
    /// Whether the plan's target was met; nil without a target.
    public var targetMet: Bool?
    /// The most valuable coalition met along the permutations (member indices in input order).
    var bestSeen: [Int]
}
