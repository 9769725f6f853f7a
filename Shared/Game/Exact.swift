/// Every coalition's value by bitmask (bit i = generator i), and what follows from them.
struct ExactGame {
    let table: UnitTable
    let demand: Double
    let price: Double
    /// v(S) for S = 0 ..< 2^n (v(∅) = 0).
    let values: [Double]
    let feasible: [Bool]

    init(table: UnitTable, demand: Double, price: Double) {
        self.table = table
        self.demand = demand
        self.price = price
        (values, feasible) = Self.allValues(table, demand: demand, price: price)
    }

    /// One pass over the 2^n − 1 masks. Σ pmin, Σ pmax and Σ g(pmin) come from the mask without
    /// its lowest bit (so O(1) each); a feasible mask then takes one walk over the globally sorted
    /// kinks, skipping non-members by a bit test, and stops at the segment holding D. Nothing is
    /// allocated per mask.
    private static func allValues(_ t: UnitTable, demand: Double, price: Double) -> ([Double], [Bool]) {
        let n = t.count
        let size = 1 << n
        let rD = price * demand
        var values = [Double](repeating: 0, count: size)
        var feasible = [Bool](repeating: false, count: size)
        var sumMin = [Double](repeating: 0, count: size)
        var sumMax = [Double](repeating: 0, count: size)
        var sumG = [Double](repeating: 0, count: size)
        let kinkBit = t.kinkUnit.map { 1 << Int($0) }
        let kinkValue = t.kinkValue, kinkUnit = t.kinkUnit, kinkIsMax = t.kinkIsMax
        let pmin = t.pmin, pmax = t.pmax, alpha = t.alpha, beta = t.beta, gMin = t.gMin, gMax = t.gMax, q = t.q
        for mask in 1..<size {
            let low = mask.trailingZeroBitCount
            let rest = mask & (mask - 1)
            let lo = sumMin[rest] + pmin[low]
            let hi = sumMax[rest] + pmax[low]
            let g0 = sumG[rest] + gMin[low]
            sumMin[mask] = lo
            sumMax[mask] = hi
            sumG[mask] = g0
            guard lo <= demand, demand <= hi else { continue }
            feasible[mask] = true
            var c = lo, a = 0.0, k = g0, qs = 0.0
            var below = -Double.infinity
            var cost = Double.nan
            for rank in 0..<kinkBit.count where kinkBit[rank] & mask != 0 {
                let th = kinkValue[rank]
                if c + a * th >= demand {
                    var theta = a > 0 ? (demand - c) / a : th
                    theta = min(max(theta, below), th)
                    cost = k + 0.5 * a * theta * theta - qs
                    break
                }
                let u = Int(kinkUnit[rank])
                if kinkIsMax[rank] {
                    c += pmax[u] - beta[u]; a -= alpha[u]; k += gMax[u]; qs -= q[u]
                } else {
                    c += beta[u] - pmin[u]; a += alpha[u]; k -= gMin[u]; qs += q[u]
                }
                below = th
            }
            values[mask] = rD - (cost.isNaN ? k : cost)
        }
        return (values, feasible)
    }

    /// θ of a feasible mask (for its outputs).
    func theta(mask: Int) -> Double {
        var sumPmin = 0.0, sumG = 0.0
        for i in 0..<table.count where mask & (1 << i) != 0 {
            sumPmin += table.pmin[i]
            sumG += table.gMin[i]
        }
        return table.solve(demand: demand, sumPmin: sumPmin, sumGMin: sumG) { mask & (1 << $0) != 0 }.theta
    }

    /// Shapley values of the game among all the generators.
    func shapley() -> [Double] {
        Self.shapley(values, players: table.count)
    }

    /// Shapley values of the game among the members of `mask` alone, v restricted to the subsets of
    /// the mask (SPEC.md section 4, the payout game among S*), in the members' input order. The
    /// values are this table's, so v(mask) is the very number `coalition(mask:)` reports.
    func shapley(within mask: Int) -> [Double] {
        if mask == values.count - 1 { return shapley() }
        let members = (0..<table.count).filter { mask & (1 << $0) != 0 }
        let size = 1 << members.count
        var restricted = [Double](repeating: 0, count: size)
        var full = [Int](repeating: 0, count: size)
        for sub in 1..<size {
            full[sub] = full[sub & (sub - 1)] | (1 << members[sub.trailingZeroBitCount])
            restricted[sub] = values[full[sub]]
        }
        return Self.shapley(restricted, players: members.count)
    }

    /// x_i = Σ_{S ∋ i} w(|S| − 1) v(S) − Σ_{S ∌ i} w(|S|) v(S), w(s) = s!(n − s − 1)!/n! = 1/(n C(n−1, s)),
    /// for v given by mask over n players.
    /// Per mask: subtract w(|S|) v(S) from everyone (a running total) and add w(|S|−1) v(S) + w(|S|) v(S)
    /// to the members, so the work is |S| per mask.
    static func shapley(_ values: [Double], players n: Int) -> [Double] {
        var binomial = [Double](repeating: 1, count: n)  // C(n−1, s)
        for s in 1..<max(n, 1) { binomial[s] = binomial[s - 1] * Double(n - s) / Double(s) }
        let w = (0..<n).map { 1 / (Double(n) * binomial[$0]) }
        var x = [Double](repeating: 0, count: n)
        var everyone = 0.0
        values.withUnsafeBufferPointer { v in
            x.withUnsafeMutableBufferPointer { x in
                for mask in 1..<v.count {
                    let value = v[mask]
                    guard value != 0 else { continue }
                    let s = mask.nonzeroBitCount
                    let outside = s < n ? w[s] * value : 0
                    everyone += outside
                    let inside = w[s - 1] * value + outside
                    var bits = mask
                    while bits != 0 {
                        x[bits.trailingZeroBitCount] += inside
                        bits &= bits - 1
                    }
                }
            }
        }
        return x.map { $0 - everyone }
    }

    /// Σ x = v(N) and x(S) ≥ v(S) for every S, to 1e-9 relative to the largest |v(S)| (at least 1).
    /// Returns the mask of largest shortfall v(S) − x(S) when violated.
    func core(_ x: [Double]) -> (inCore: Bool, mask: Int?, violation: Double?) {
        let size = values.count
        let scale = max(1, values.reduce(0) { max($0, abs($1)) })
        let tolerance = 1e-9 * scale
        var partial = [Double](repeating: 0, count: size)
        var worst = -Double.infinity
        var worstMask = 0
        values.withUnsafeBufferPointer { v in
            partial.withUnsafeMutableBufferPointer { xs in
                for mask in 1..<size {
                    xs[mask] = xs[mask & (mask - 1)] + x[mask.trailingZeroBitCount]
                    let shortfall = v[mask] - xs[mask]
                    if shortfall > worst { worst = shortfall; worstMask = mask }
                }
            }
        }
        let grand = size - 1
        let efficiencyGap = abs(partial[grand] - values[grand])
        if efficiencyGap > tolerance && efficiencyGap > worst { return (false, grand, efficiencyGap) }
        if worst > tolerance { return (false, worstMask, worst) }
        return (true, nil, nil)
    }

    /// S*, the coalition that serves: the feasible mask of greatest value, or nil when none is
    /// feasible. Values within τ = 1e-9 · max(1, max_S |v(S)|) of the greatest tie (they differ by
    /// rounding only, as when a unit with pmin 0 would run at 0 MW); among those, the fewest
    /// members wins, then the first in input order (comparing the sorted member positions, the
    /// coalition with the earlier offer where they first differ). The ties are settled after the
    /// greatest value is known, so the choice does not depend on the order masks are visited in.
    func bestMask() -> Int? {
        var top = -Double.infinity
        for mask in 1..<values.count where feasible[mask] { top = max(top, values[mask]) }
        guard top > -Double.infinity else { return nil }
        let tolerance = 1e-9 * max(1, values.reduce(0) { max($0, abs($1)) })
        var best: Int? = nil
        for mask in 1..<values.count where feasible[mask] && values[mask] >= top - tolerance {
            guard let current = best else { best = mask; continue }
            let (size, currentSize) = (mask.nonzeroBitCount, current.nonzeroBitCount)
            if size < currentSize || (size == currentSize && Self.firstInInputOrder(mask, current)) { best = mask }
        }
        return best
    }

    /// Whether `x`'s sorted member positions come before `y`'s: the lowest bit where they differ is x's.
    static func firstInInputOrder(_ x: Int, _ y: Int) -> Bool {
        let differ = x ^ y
        return differ != 0 && x & (differ & -differ) != 0
    }

    /// Masks by size, then members in input order ({0}, {1}, ..., {0,1}, {0,2}, ...).
    func listingOrder() -> [Int] {
        let n = table.count
        var order: [Int] = []
        order.reserveCapacity(values.count - 1)
        for size in 1...n {
            var pick = Array(0..<size)
            while true {
                order.append(pick.reduce(0) { $0 | (1 << $1) })
                var i = size - 1
                while i >= 0 && pick[i] == n - size + i { i -= 1 }
                if i < 0 { break }
                pick[i] += 1
                for j in (i + 1)..<size { pick[j] = pick[j - 1] + 1 }
            }
        }
        return order
    }

    func coalition(mask: Int, ids: [String]) -> Coalition {
        let indices = (0..<table.count).filter { mask & (1 << $0) != 0 }
        guard feasible[mask] else { return Coalition(members: indices.map { ids[$0] }, value: 0, feasible: false, outputs: [:]) }
        var c = CooperativeGame.coalition(table: table, ids: ids, indices: indices, theta: theta(mask: mask), demand: demand, price: price)
        c.value = values[mask]
        return c
    }
}

extension CooperativeGame {
    /// Exact Shapley values and the core check at a given price, without listing the coalitions
    /// (what `solve(.exact)` computes before it builds the list). The generators are taken as valid.
    public static func exactShapley(_ generators: [GameGenerator], demand: Double, price: Double) throws(GameError) -> (shapley: ShapleyEstimate, core: CoreCheck) {
        guard generators.count <= exactHardLimit else { throw .tooManyForExact(count: generators.count, limit: exactHardLimit) }
        let game = ExactGame(table: UnitTable(generators), demand: demand, price: price)
        let x = game.shapley()
        return (shapleyEstimate(generators, x), coreCheck(game, x, generators))
    }

    static func shapleyEstimate(_ generators: [GameGenerator], _ x: [Double]) -> ShapleyEstimate {
        ShapleyEstimate(values: Dictionary(uniqueKeysWithValues: zip(generators.map(\.id), x)))
    }

    static func coreCheck(_ game: ExactGame, _ x: [Double], _ generators: [GameGenerator]) -> CoreCheck {
        let (inCore, mask, violation) = game.core(x)
        let members = mask.map { m in generators.indices.filter { m & (1 << $0) != 0 }.map { generators[$0].id } }
        return CoreCheck(inCore: inCore, mostViolated: members, violation: violation)
    }
}
