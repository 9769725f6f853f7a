/// The coalition's dispatch problem, max Σ (r − f'_i(p_i)) p_i subject to Σ p_i = D and
/// pmin_i ≤ p_i ≤ pmax_i, solved exactly.
///
/// With f'(p) = 2 a p + b the objective is r D − Σ g_i(p_i), g_i(p) = p (2 a_i p + b_i), a sum of
/// convex terms, so the KKT conditions are sufficient: some θ with g_i'(p_i) = 4 a_i p_i + b_i = θ
/// for every unit strictly inside its range, ≤ θ at pmax, ≥ θ at pmin. Hence
/// p_i(θ) = clamp((θ − b_i) / (4 a_i), pmin_i, pmax_i), and S(θ) = Σ p_i(θ) is continuous,
/// non-decreasing and piecewise linear with kinks at the breakpoints b_i + 4 a_i pmin_i and
/// b_i + 4 a_i pmax_i. Between two kinks S(θ) = C + A θ with A = Σ_free 1/(4 a_i); walking the
/// sorted kinks finds the segment holding D and θ = (D − C) / A there, exactly.
///
/// The value follows from the same segment: a free unit has g_i = (θ² − b_i²) / (8 a_i), so
/// Σ g_i = K + (A / 2) θ² − Q with K the clamped units' g at their limit and Q = Σ_free b_i²/(8 a_i).
/// Walking therefore carries four sums (C, A, K, Q) and crossing a kink changes each by one term.
struct UnitTable: Sendable {
    let count: Int
    let pmin: [Double]
    let pmax: [Double]
    /// 1 / (4a): the slope of a free unit's output in θ.
    let alpha: [Double]
    /// −b / (4a): a free unit's output is alpha θ + beta.
    let beta: [Double]
    /// g at pmin and at pmax.
    let gMin: [Double]
    let gMax: [Double]
    /// b² / (8a).
    let q: [Double]
    /// 2a and b, for g.
    let twoA: [Double]
    let b: [Double]
    /// Every unit's two kinks, sorted ascending (ties: input order, then pmin kink first).
    let kinkValue: [Double]
    let kinkUnit: [Int32]
    let kinkIsMax: [Bool]
    /// Where each unit's kinks sit in the sorted list.
    let minRank: [Int32]
    let maxRank: [Int32]

    init(_ generators: [GameGenerator]) {
        count = generators.count
        pmin = generators.map(\.pmin)
        pmax = generators.map(\.pmax)
        alpha = generators.map { 1 / (4 * $0.a) }
        beta = generators.map { -$0.b / (4 * $0.a) }
        gMin = generators.map { $0.pmin * (2 * $0.a * $0.pmin + $0.b) }
        gMax = generators.map { $0.pmax * (2 * $0.a * $0.pmax + $0.b) }
        q = generators.map { $0.b * $0.b / (8 * $0.a) }
        twoA = generators.map { 2 * $0.a }
        b = generators.map(\.b)
        var kinks: [(value: Double, unit: Int32, isMax: Bool)] = []
        kinks.reserveCapacity(2 * generators.count)
        for (i, g) in generators.enumerated() {
            kinks.append((g.b + 4 * g.a * g.pmin, Int32(i), false))
            kinks.append((g.b + 4 * g.a * g.pmax, Int32(i), true))
        }
        kinks.sort { x, y in
            if x.value != y.value { return x.value < y.value }
            if x.unit != y.unit { return x.unit < y.unit }
            return !x.isMax && y.isMax
        }
        kinkValue = kinks.map(\.value)
        kinkUnit = kinks.map(\.unit)
        kinkIsMax = kinks.map(\.isMax)
        var minRank = [Int32](repeating: 0, count: generators.count)
        var maxRank = [Int32](repeating: 0, count: generators.count)
        for (rank, kink) in kinks.enumerated() {
            if kink.isMax { maxRank[Int(kink.unit)] = Int32(rank) } else { minRank[Int(kink.unit)] = Int32(rank) }
        }
        self.minRank = minRank
        self.maxRank = maxRank
    }

    /// The output of unit i at marginal level θ (exactly pmin or pmax at or beyond its kinks).
    @inline(__always)
    func output(_ i: Int, theta: Double) -> Double {
        if theta <= kinkValue[Int(minRank[i])] { return pmin[i] }
        if theta >= kinkValue[Int(maxRank[i])] { return pmax[i] }
        return min(max(alpha[i] * theta + beta[i], pmin[i]), pmax[i])
    }

    /// g_i(p) = p (2 a p + b).
    @inline(__always)
    func g(_ i: Int, _ p: Double) -> Double {
        p * (twoA[i] * p + b[i])
    }

    /// θ and Σ g for the members (by `isMember`), which must be feasible: Σ pmin ≤ D ≤ Σ pmax.
    /// One ascending walk over the sorted kinks, skipping non-members.
    @inline(__always)
    func solve(demand: Double, sumPmin: Double, sumGMin: Double, isMember: (Int) -> Bool) -> (theta: Double, cost: Double) {
        var c = sumPmin, a = 0.0, k = sumGMin, qSum = 0.0
        var below = -Double.infinity
        for rank in 0..<kinkValue.count {
            let unit = Int(kinkUnit[rank])
            guard isMember(unit) else { continue }
            let t = kinkValue[rank]
            if c + a * t >= demand {
                var theta = a > 0 ? (demand - c) / a : t
                theta = min(max(theta, below), t)
                return (theta, k + 0.5 * a * theta * theta - qSum)
            }
            if kinkIsMax[rank] {
                c += pmax[unit] - beta[unit]; a -= alpha[unit]; k += gMax[unit]; qSum -= q[unit]
            } else {
                c += beta[unit] - pmin[unit]; a += alpha[unit]; k -= gMin[unit]; qSum += q[unit]
            }
            below = t
        }
        // Every member at pmax, which then totals D.
        return (below, k)
    }
}

extension CooperativeGame {
    /// v(S) for the given members at the given clearing price, with the optimal outputs.
    ///
    /// Infeasible (Σ pmin > D or Σ pmax < D, or no members): value 0, `feasible` false, no outputs.
    /// The generators are taken as valid (see `validate`). Members keep the order given.
    public static func value(of members: [GameGenerator], demand: Double, price: Double) -> Coalition {
        let ids = members.map(\.id)
        let sumPmin = members.reduce(0) { $0 + $1.pmin }
        let sumPmax = members.reduce(0) { $0 + $1.pmax }
        guard !members.isEmpty, sumPmin <= demand, demand <= sumPmax else {
            return Coalition(members: ids, value: 0, feasible: false, outputs: [:])
        }
        let table = UnitTable(members)
        let (theta, _) = table.solve(demand: demand, sumPmin: sumPmin, sumGMin: table.gMin.reduce(0, +)) { _ in true }
        return coalition(table: table, ids: ids, indices: Array(0..<members.count), theta: theta, demand: demand, price: price)
    }

    /// The coalition of `indices` (into `table`) dispatched at θ; value recomputed from the outputs.
    static func coalition(table: UnitTable, ids: [String], indices: [Int], theta: Double, demand: Double, price: Double) -> Coalition {
        var outputs: [String: Double] = [:]
        outputs.reserveCapacity(indices.count)
        var cost = 0.0
        var members: [String] = []
        members.reserveCapacity(indices.count)
        for i in indices {
            let p = table.output(i, theta: theta)
            outputs[ids[i]] = p
            members.append(ids[i])
            cost += table.g(i, p)
        }
        return Coalition(members: members, value: price * demand - cost, feasible: true, outputs: outputs)
    }
}
