/// Shapley values by random permutations, at O(n) per permutation plus a few O(n log n) passes
/// near the point where a prefix first serves D.
///
/// **Walk.** Along a permutation the prefix P grows one unit at a time. Σ pmin and Σ pmax only grow,
/// so P is worth 0 until Σ pmax reaches D, is feasible while Σ pmin ≤ D, and is worth 0 again after.
/// While feasible, the KKT level θ only falls as units join (a new unit adds output at the old θ),
/// so the solution is kept incrementally: a pointer into the globally sorted kinks that only moves
/// down, with the segment's sums (C, A, K, Q; see `UnitTable`). Each join updates the sums by the
/// new unit's own term, then moves the pointer down to the segment holding D, so the whole
/// permutation costs O(n) steps, not O(n) per prefix.
///
/// **Variance.** The value jumps from 0 to v(P ∪ {u}) when the prefix first serves D, and that jump
/// is most of v(N). Credited to the one unit that happens to come next, it makes the plain
/// estimator's spread about √n times the mean share (millions of permutations for n = 1000). Write
/// φ_u = (1/n) Σ_k μ_{u,k}, μ_{u,k} the mean of m_u(P) = v(P ∪ {u}) − v(P) over the k-subsets P ∌ u,
/// and call a prefix P a *band* prefix, B(P), when it cannot serve D but one more unit might
/// (Σ pmin ≤ D, D − max pmax ≤ Σ pmax < D). For a prefix P_k of size k:
/// - not B(P_k): the plain estimate, m_j(P_k) credited to the next unit j. Given P_k, j is uniform
///   over the n − k outsiders, so this gives each u the part of μ_{u,k}/n from subsets outside B.
/// - B(P_k): every outsider u is credited v(P_k ∪ {u}) / n (m_u = v(P_k ∪ {u}), since v(P_k) = 0).
/// - every member u of P_k (at any prefix) stands for the subset P' = P_k − {u} + {x}, x uniform
///   among the outsiders: P' is then a uniform k-subset without u, just as P_k is for an outsider.
///   Averaging over all x, u is credited (1/n)(1/(n − k)) Σ_x [B(P')] m_u(P'), and as B(P') means
///   v(P') = 0, m_u(P') = v(P_k ∪ {x}).
/// Outsiders (probability (n − k)/n) and members (k/n) together give each u exactly
/// E[B(P) m_u(P)] / n over the k-subsets P ∌ u, so the estimate stays unbiased (the tests check it
/// against exact Shapley by averaging over all n! orders), while every unit, early or late in the
/// order, now learns about the pivot from every permutation.
///
/// **Cost.** For the member credit, [B(P')] holds exactly when gap ≤ pmax_x < gap + pmax_u,
/// gap = D − Σ pmax(P_k) (and P_k ∪ {x} within pmin), so with the outsiders in descending pmax and
/// prefix sums of v(P_k ∪ {x}), each member's credit is a range sum, found for all members in one
/// merge pass. Only band prefixes and feasible ones with Σ pmax(P_k) − D < max pmax − min pmax have
/// any such x. v(P_k ∪ {x}) for all x is cheap: P_k's solution descending from its own θ (from
/// "everyone at pmax" when infeasible) is recorded once, down to where it has shed max pmax, and each
/// x is placed into it by binary search.
/// Prefixes that turn infeasible again when Σ pmin passes D (only when the grand coalition cannot
/// serve D) keep the plain estimate.
final class PermutationSampler {
    let n: Int
    let demand: Double
    let rD: Double
    let table: UnitTable
    private let pmin, pmax, alpha, beta, gMin, gMax, q, kinkValue: UnsafeMutableBufferPointer<Double>
    /// What crossing each kink downward does to (C, A, K, Q) when its unit is a member: a pmax kink
    /// frees the unit, a pmin kink pins it. Stored per kink so the walk needs no branch on the kind.
    private let downC, downA, downK, downQ: UnsafeMutableBufferPointer<Double>
    private let kinkUnit, minRank, maxRank, byPmaxDesc: UnsafeMutableBufferPointer<Int32>
    /// pmax in `byPmaxDesc` order.
    private let pmaxDesc: UnsafeMutableBufferPointer<Double>
    private let maxPmax: Double
    private let minPmax: Double
    /// This permutation, who is in the prefix (1 or 0, to multiply by), and each unit's estimate.
    let order: UnsafeMutableBufferPointer<Int32>
    private let member: UnsafeMutableBufferPointer<Double>
    let contribution: UnsafeMutableBufferPointer<Double>
    /// A prefix's recorded descent: kink θ and the sums below it.
    private let recTheta, recC, recA, recK, recQ: UnsafeMutableBufferPointer<Double>
    /// Prefix sums of v(P ∪ {x}) over x in `byPmaxDesc` order.
    private let rangeSum: UnsafeMutableBufferPointer<Double>
    /// Entries in the last recorded descent.
    private var recorded = 0
    /// The most valuable coalition met so far.
    private(set) var bestValue = -Double.infinity
    private(set) var bestMembers: [Int] = []

    init(table: UnitTable, demand: Double, price: Double) {
        self.table = table
        n = table.count
        self.demand = demand
        rD = price * demand
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return buffer
        }
        pmin = copy(table.pmin); pmax = copy(table.pmax); alpha = copy(table.alpha); beta = copy(table.beta)
        gMin = copy(table.gMin); gMax = copy(table.gMax); q = copy(table.q); kinkValue = copy(table.kinkValue)
        kinkUnit = copy(table.kinkUnit); minRank = copy(table.minRank); maxRank = copy(table.maxRank)
        let units = table.kinkUnit.map(Int.init)
        let isMax = table.kinkIsMax
        downC = copy(units.indices.map { r in isMax[r] ? table.beta[units[r]] - table.pmax[units[r]] : table.pmin[units[r]] - table.beta[units[r]] })
        downA = copy(units.indices.map { r in isMax[r] ? table.alpha[units[r]] : -table.alpha[units[r]] })
        downK = copy(units.indices.map { r in isMax[r] ? -table.gMax[units[r]] : table.gMin[units[r]] })
        downQ = copy(units.indices.map { r in isMax[r] ? table.q[units[r]] : -table.q[units[r]] })
        let sorted = (0..<table.count).sorted { table.pmax[$0] > table.pmax[$1] || (table.pmax[$0] == table.pmax[$1] && $0 < $1) }
        byPmaxDesc = copy(sorted.map { Int32($0) })
        pmaxDesc = copy(sorted.map { table.pmax[$0] })
        maxPmax = table.pmax.max() ?? 0
        minPmax = table.pmax.min() ?? 0
        order = copy((0..<table.count).map { Int32($0) })
        member = copy([Double](repeating: 0, count: table.count))
        contribution = copy([Double](repeating: 0, count: table.count))
        let zeros = [Double](repeating: 0, count: 2 * table.count + 1)
        recTheta = copy(zeros); recC = copy(zeros); recA = copy(zeros); recK = copy(zeros); recQ = copy(zeros)
        rangeSum = copy(zeros)
    }

    deinit {
        for buffer in [pmin, pmax, alpha, beta, gMin, gMax, q, kinkValue, downC, downA, downK, downQ, pmaxDesc, member,
                       contribution, recTheta, recC, recA, recK, recQ, rangeSum] { buffer.deallocate() }
        for buffer in [kinkUnit, minRank, maxRank, byPmaxDesc, order] { buffer.deallocate() }
    }

    private enum Phase { case before, feasible, after }

    /// Adds to every unit an equal part of what this permutation's estimates miss of `total`
    /// (v(N) of the sampler's units), so that they sum to it, as a permutation's plain marginal
    /// contributions do; the band credits above spread the pivot's jump over every unit and do not.
    /// The estimate stays unbiased: each unit's is, so E[Σ_i] = Σ_i φ_i = v(N), and the part
    /// added has mean 0. A unit's standard deviation grows by at most the units' mean one.
    func makeEfficient(total: Double) {
        let contribution = contribution
        var sum = 0.0
        for i in 0..<n { sum += contribution[i] }
        let part = (total - sum) / Double(n)
        for i in 0..<n { contribution[i] += part }
    }

    /// Shuffles `order` and fills `contribution` with each unit's estimate from this permutation.
    func run(_ rng: inout Xoshiro256) {
        let order = order
        var i = n - 1
        while i > 0 {
            let j = Int(rng.below(UInt64(i + 1)))
            order.swapAt(i, j)
            i -= 1
        }
        walk()
    }

    /// Fills `contribution` for the permutation in `order`.
    func walk() {
        let (order, member, contribution) = (order, member, contribution)
        let (pmin, pmax, alpha, beta, gMin, gMax, q) = (pmin, pmax, alpha, beta, gMin, gMax, q)
        let (kinkValue, kinkUnit, minRank, maxRank) = (kinkValue, kinkUnit, minRank, maxRank)
        let (downC, downA, downK, downQ) = (downC, downA, downK, downQ)
        let (n, demand, rD, maxPmax) = (n, demand, rD, maxPmax)
        let swapReach = maxPmax - minPmax
        member.update(repeating: 0)
        contribution.update(repeating: 0)
        let top = 2 * n
        var sumMin = 0.0, sumMax = 0.0, sumGMax = 0.0
        var phase = Phase.before
        var pos = top, c = 0.0, a = 0.0, k = 0.0, qs = 0.0, theta = 0.0, previous = 0.0

        /// Moves down to the segment holding D; returns v.
        @inline(__always)
        func descend() -> Double {
            while pos > 0 {
                let r = pos - 1
                if c + a * kinkValue[r] <= demand { break }
                let m = member[Int(kinkUnit[r])]
                c += m * downC[r]; a += m * downA[r]; k += m * downK[r]; qs += m * downQ[r]
                pos = r
            }
            let bottom = pos > 0 ? kinkValue[pos - 1] : -Double.infinity
            let ceiling = pos < top ? kinkValue[pos] : Double.infinity
            theta = a > 0 ? (demand - c) / a : (pos > 0 ? bottom : ceiling)
            theta = min(max(theta, bottom), ceiling)
            return rD - (k + 0.5 * a * theta * theta - qs)
        }

        for position in 0..<n {
            let j = Int(order[position])
            switch phase {
            case .before:
                let gap = demand - sumMax
                if gap <= maxPmax {
                    let floor = record(from: top, c: sumMax, a: 0, k: sumGMax, q: 0, ceiling: .infinity)
                    credit(size: position, gap: gap, sumMin: sumMin, floor: floor, outsiders: true)
                }
                member[j] = 1
                sumMin += pmin[j]; sumMax += pmax[j]; sumGMax += gMax[j]
                if sumMin > demand {
                    phase = .after
                } else if sumMax >= demand {
                    phase = .feasible
                    pos = top; c = sumMax; a = 0; k = sumGMax; qs = 0
                    previous = descend()
                    noteBest(previous, prefix: position + 1)
                }
            case .feasible:
                if sumMax - demand < swapReach {
                    let floor = record(from: pos, c: c, a: a, k: k, q: qs, ceiling: theta)
                    credit(size: position, gap: demand - sumMax, sumMin: sumMin, floor: floor, outsiders: false)
                }
                member[j] = 1
                sumMin += pmin[j]; sumMax += pmax[j]
                if sumMin > demand {
                    contribution[j] -= previous
                    phase = .after
                    continue
                }
                if Int(minRank[j]) >= pos {
                    c += pmin[j]; k += gMin[j]
                } else if Int(maxRank[j]) < pos {
                    c += pmax[j]; k += gMax[j]
                } else {
                    c += beta[j]; a += alpha[j]; qs += q[j]
                }
                let value = descend()
                contribution[j] += value - previous
                previous = value
                noteBest(value, prefix: position + 1)
            case .after:
                return
            }
        }
    }

    /// Records the prefix's supply S(θ) from segment `from` (sums c, a, k, q; θ ≤ `ceiling`) down,
    /// kink by kink, until S ≤ D − max pmax: below that, no single added unit lifts it back to D.
    /// Entry 0 is the starting segment; entry i the segment below the i-th member kink crossed.
    /// Returns the θ where recording stopped (−∞ if the kinks ran out); the count is in `recorded`.
    private func record(from start: Int, c c0: Double, a a0: Double, k k0: Double, q q0: Double, ceiling: Double) -> Double {
        let (member, kinkValue, kinkUnit) = (member, kinkValue, kinkUnit)
        let (downC, downA, downK, downQ) = (downC, downA, downK, downQ)
        let (recTheta, recC, recA, recK, recQ) = (recTheta, recC, recA, recK, recQ)
        let stop = demand - maxPmax
        var c = c0, a = a0, k = k0, qs = q0
        recTheta[0] = ceiling; recC[0] = c; recA[0] = a; recK[0] = k; recQ[0] = qs
        var count = 0
        var floor = -Double.infinity
        var r = start - 1
        while r >= 0 {
            if member[Int(kinkUnit[r])] != 0 {
                let theta = kinkValue[r]
                if c + a * theta <= stop { floor = theta; break }
                c += downC[r]; a += downA[r]; k += downK[r]; qs += downQ[r]
                count += 1
                recTheta[count] = theta; recC[count] = c; recA[count] = a; recK[count] = k; recQ[count] = qs
            }
            r -= 1
        }
        recorded = count
        return floor
    }

    /// v(P ∪ {x}) from the recorded descent of P: S_P(θ) + p_x(θ) = D.
    @inline(__always)
    private func value(adding x: Int, floor: Double) -> Double {
        let (recTheta, recC, recA) = (recTheta, recC, recA)
        let count = recorded
        let (ax, bx, lo_, hi_) = (alpha[x], beta[x], pmin[x], pmax[x])
        // G(θ) = S_P(θ) + p_x(θ) falls as θ falls; find the first recorded kink with G ≤ D.
        var lo = 1, hi = count + 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            let theta = recTheta[mid]
            let g = recC[mid] + recA[mid] * theta + min(max(ax * theta + bx, lo_), hi_)
            if g <= demand { hi = mid } else { lo = mid + 1 }
        }
        let segment = lo - 1
        let ceiling = recTheta[segment]
        let bottom = segment < count ? recTheta[segment + 1] : floor
        let cs = recC[segment], slope = recA[segment]
        var theta = (demand - cs - bx) / (slope + ax)
        let free = ax * theta + bx
        if free > hi_ {
            theta = slope > 0 ? (demand - cs - hi_) / slope : ceiling
        } else if free < lo_ {
            theta = slope > 0 ? (demand - cs - lo_) / slope : bottom
        }
        theta = min(max(theta, bottom), ceiling)
        let output = min(max(ax * theta + bx, lo_), hi_)
        return rD - (recK[segment] + 0.5 * slope * theta * theta - recQ[segment] + table.g(x, output))
    }

    /// The band and member credits at prefix P_k (k = `size`), whose descent was just recorded.
    /// Outsiders x with gap ≤ pmax_x (all of them when P_k is feasible) and pmax_x < gap + max pmax
    /// get v(P_k ∪ {x}) computed; with `outsiders` (P_k a band prefix) each is credited it / n.
    /// Each member u is credited (1/n)(1/(n − k)) Σ v(P_k ∪ {x}) over those x with pmax_x < gap + pmax_u.
    private func credit(size: Int, gap: Double, sumMin: Double, floor: Double, outsiders: Bool) {
        let (member, contribution, pmin, pmax, byPmaxDesc, pmaxDesc, rangeSum) = (member, contribution, pmin, pmax, byPmaxDesc, pmaxDesc, rangeSum)
        let (n, demand) = (n, demand)
        let outsiderWeight = 1 / Double(n)
        let memberWeight = 1 / (Double(n) * Double(n - size))
        // Ranks first ..< end: first = first with pmax < gap + max pmax (0 for a band prefix), end = first with pmax < gap.
        var first = 0
        if gap + maxPmax <= pmaxDesc[0] {
            var lo = 0, hi = n
            while lo < hi {
                let mid = (lo + hi) >> 1
                if pmaxDesc[mid] >= gap + maxPmax { lo = mid + 1 } else { hi = mid }
            }
            first = lo
        }
        rangeSum[first] = 0
        var end = first
        while end < n && pmaxDesc[end] >= gap {
            let x = Int(byPmaxDesc[end])
            var v = 0.0
            if member[x] == 0 && sumMin + pmin[x] <= demand {
                v = value(adding: x, floor: floor)
                if outsiders { contribution[x] += v * outsiderWeight }
                if v > bestValue {
                    bestValue = v
                    bestMembers = (0..<size).map { Int(order[$0]) } + [x]
                }
            }
            rangeSum[end + 1] = rangeSum[end] + v
            end += 1
        }
        guard size > 0, end > first else { return }
        // Members by descending pmax: the range's start (first rank with pmax < gap + pmax_u) only moves up.
        var start = first
        for rank in 0..<n {
            let u = Int(byPmaxDesc[rank])
            guard member[u] != 0 else { continue }
            let upper = gap + pmax[u]
            while start < end && pmaxDesc[start] >= upper { start += 1 }
            if start >= end { break }
            contribution[u] += (rangeSum[end] - rangeSum[start]) * memberWeight
        }
    }

    @inline(__always)
    private func noteBest(_ value: Double, prefix: Int) {
        if value > bestValue {
            bestValue = value
            bestMembers = (0..<prefix).map { Int(order[$0]) }
        }
    }
}

extension CooperativeGame {
    /// Shapley values by seeded random permutations at a given price (see `SamplingPlan` for the
    /// precision target and `PermutationSampler` for the estimator). Deterministic for a seed.
    /// The generators are taken as valid; the plan is checked.
    public static func sampleShapley(_ generators: [GameGenerator], demand: Double, price: Double, plan: SamplingPlan) throws(GameError) -> SamplingOutcome {
        try sampleShapley(generators, demand: demand, price: price, plan: plan, efficientTo: nil)
    }

    /// With `efficientTo` (v(N) of these generators), each permutation's estimate is first made to
    /// sum to it (`PermutationSampler.makeEfficient`), and the mean and half-widths are of those.
    static func sampleShapley(_ generators: [GameGenerator], demand: Double, price: Double, plan: SamplingPlan, efficientTo total: Double?) throws(GameError) -> SamplingOutcome {
        guard plan.maxSamples >= 2 else { throw .badSampling("samples (\(plan.maxSamples)) must be at least 2") }
        if let target = plan.targetRelativeHalfWidth, !(target > 0 && target.isFinite) {
            throw .badSampling("target half-width (\(target)) must be a positive number")
        }
        let n = generators.count
        let table = UnitTable(generators)
        let sampler = PermutationSampler(table: table, demand: demand, price: price)
        let grand = value(of: generators, demand: demand, price: price)
        var rng = Xoshiro256(seed: plan.seed)
        var mean = [Double](repeating: 0, count: n)
        var m2 = [Double](repeating: 0, count: n)
        var samples = 0

        func scale() -> Double {
            let fallback = sampler.bestValue.isFinite ? abs(sampler.bestValue) : 0
            return (grand.value != 0 ? abs(grand.value) : fallback) / Double(n)
        }
        func halfWidths() -> [Double] {
            m2.map { 1.96 * ($0 / Double(samples - 1) / Double(samples)).squareRoot() }
        }
        func relativeWorst(_ widths: [Double]) -> Double {
            let worst = widths.max() ?? 0
            if worst == 0 { return 0 }
            let s = scale()
            return s > 0 ? worst / s : .infinity
        }

        while samples < plan.maxSamples {
            sampler.run(&rng)
            if let total { sampler.makeEfficient(total: total) }
            samples += 1
            let inverse = 1 / Double(samples)
            mean.withUnsafeMutableBufferPointer { mean in
                m2.withUnsafeMutableBufferPointer { m2 in
                    for i in 0..<n {
                        let x = sampler.contribution[i]
                        let delta = x - mean[i]
                        mean[i] += delta * inverse
                        m2[i] += delta * (x - mean[i])
                    }
                }
            }
            if let target = plan.targetRelativeHalfWidth, samples >= max(2, plan.minSamples),
               (samples - plan.minSamples) % plan.checkEvery == 0 {
                if relativeWorst(halfWidths()) <= target { break }
            }
        }
        let widths = halfWidths()
        let worst = relativeWorst(widths)
        let met = plan.targetRelativeHalfWidth.map { worst <= $0 }
        let ids = generators.map(\.id)
        let estimate = ShapleyEstimate(
            values: Dictionary(uniqueKeysWithValues: zip(ids, mean)),
            halfWidth95: Dictionary(uniqueKeysWithValues: zip(ids, widths)),
            samples: samples
        )
        var bestSeen = sampler.bestMembers.sorted()
        if grand.feasible && grand.value >= sampler.bestValue { bestSeen = Array(0..<n) }
        return SamplingOutcome(estimate: estimate, scale: scale(), worstRelativeHalfWidth: worst, targetMet: met, bestSeen: bestSeen)
    }
}
