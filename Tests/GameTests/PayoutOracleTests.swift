import Testing
@testable import Game

/// An independent reference for the payout of SPEC.md section 4 that shares no code with `Game`
/// beyond the input type: the price by the SPEC's formulas (uniform by bisection on the price),
/// each coalition's dispatch by bisection on the marginal level θ (not the production code's kink
/// walk), S* by listing every coalition, and Shapley within S* by the permutation formula.
struct BrutePayout {
    let gs: [GameGenerator]
    let demand: Double
    let price: Double
    /// v(S) by mask (bit i = offer i); 0 when infeasible.
    private(set) var values: [Double]
    private(set) var feasible: [Bool]

    init(_ gs: [GameGenerator], demand: Double, pricing: Pricing) {
        self.gs = gs
        self.demand = demand
        price = pricing == .paper ? Self.paperPrice(gs, demand) : Self.uniformPrice(gs, demand)
        let size = 1 << gs.count
        values = [Double](repeating: 0, count: size)
        feasible = [Bool](repeating: false, count: size)
        for mask in 1..<size {
            let members = gs.indices.filter { mask & (1 << $0) != 0 }.map { gs[$0] }
            if let v = Self.value(members, demand: demand, price: price) { values[mask] = v; feasible[mask] = true }
        }
    }

    static func paperPrice(_ gs: [GameGenerator], _ demand: Double) -> Double {
        let x = max(0, demand - gs.map(\.pmin).reduce(0, +))
        return gs.map { $0.k * (2 * $0.a * min($0.pmin + x, $0.pmax) + $0.b) }.max()!
    }

    /// The lowest π whose supply Σ clamp((π/k − b)/(2a), pmin, pmax) reaches D; the cheapest bid
    /// at pmin when Σ pmin already does.
    static func uniformPrice(_ gs: [GameGenerator], _ demand: Double) -> Double {
        let bidsAtMin = gs.map { $0.k * (2 * $0.a * $0.pmin + $0.b) }
        if gs.map(\.pmin).reduce(0, +) >= demand { return bidsAtMin.min()! }
        func supply(_ pi: Double) -> Double { gs.map { min(max((pi / $0.k - $0.b) / (2 * $0.a), $0.pmin), $0.pmax) }.reduce(0, +) }
        var lo = bidsAtMin.min()!, hi = gs.map { $0.k * (2 * $0.a * $0.pmax + $0.b) }.max()!
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if supply(mid) >= demand { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// max Σ (r − (2 a p + b)) p with Σ p = D in the limits: every unit at the same marginal cost
    /// 4 a p + b = θ where free, found by bisection on θ. nil when the coalition cannot serve D.
    static func value(_ members: [GameGenerator], demand: Double, price: Double) -> Double? {
        guard !members.isEmpty, members.map(\.pmin).reduce(0, +) <= demand, demand <= members.map(\.pmax).reduce(0, +) else { return nil }
        func output(_ g: GameGenerator, _ theta: Double) -> Double { min(max((theta - g.b) / (4 * g.a), g.pmin), g.pmax) }
        var lo = members.map { $0.b + 4 * $0.a * $0.pmin }.min()!, hi = members.map { $0.b + 4 * $0.a * $0.pmax }.max()!
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if members.map({ output($0, mid) }).reduce(0, +) >= demand { hi = mid } else { lo = mid }
        }
        return members.map { g in let p = output(g, hi); return (price - (2 * g.a * p + g.b)) * p }.reduce(0, +)
    }

    /// S*: the feasible coalition of greatest value; values within 1e-9 · max(1, max |v|) of it
    /// tie, and ties go to fewer members, then to the coalition listing the earlier offer first.
    var best: [Int]? {
        let candidates = (1..<values.count).filter { feasible[$0] }
        guard let top = candidates.map({ values[$0] }).max() else { return nil }
        let tolerance = 1e-9 * max(1, values.map(abs).max()!)
        let members = candidates.filter { values[$0] >= top - tolerance }.map { mask in gs.indices.filter { mask & (1 << $0) != 0 } }
        return members.min { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
    }

    /// Shapley within the members: the mean over every order of the members of each one's
    /// marginal contribution v(P ∪ {i}) − v(P), with v of subsets of the members only.
    func shapley(within members: [Int]) -> [Int: Double] {
        var x = [Int: Double]()
        let orders = allPermutations(members.count)
        for order in orders {
            var prefix = 0
            for position in order {
                let i = members[position]
                x[i, default: 0] += values[prefix | (1 << i)] - values[prefix]
                prefix |= 1 << i
            }
        }
        return x.mapValues { $0 / Double(orders.count) }
    }

    /// Whether v(A ∪ B) ≥ v(A) + v(B) for all disjoint A, B within the members.
    func superadditive(within members: [Int], tolerance: Double) -> Bool {
        let all = members.reduce(0) { $0 | (1 << $1) }
        var a = all
        while a > 0 {
            let rest = all & ~a
            var b = rest
            while b > 0 {
                if values[a | b] < values[a] + values[b] - tolerance { return false }
                b = (b - 1) & rest
            }
            a = (a - 1) & all
        }
        return true
    }
}

@Suite("Payout against a brute-force reference")
struct PayoutOracleTests {
    @Test("300 seeded random rounds of 2 to 7 offers (some unable to serve together, some unable to serve at all)")
    func randomRounds() throws {
        var random = RandomGames(seed: 1313)
        var served = 0, notEveryone = 0, grandInfeasible = 0, unreachable = 0, superadditiveChecked = 0, withZeroMin = 0
        for round in 0..<300 {
            let n = 2 + round % 6
            let gs = (0..<n).map { i in
                let pmax = random.uniform(20, 150)
                let minShare = random.uniform(0, 1) < 0.15 ? 0 : random.uniform(0, 0.9)
                return GameGenerator(id: "G\(i + 1)", a: random.uniform(0.002, 0.04), b: random.uniform(6, 14), c: random.uniform(0, 50),
                                     pmin: pmax * minShare, pmax: pmax, k: random.uniform(1.02, 1.5))
            }
            let demand = random.uniform(0.15, 1.1) * gs.map(\.pmax).reduce(0, +)
            let pricing: Pricing = round % 3 == 2 ? .uniform : .paper
            let brute = BrutePayout(gs, demand: demand, pricing: pricing)
            guard let best = brute.best else {
                #expect(throws: GameError.demandUnreachable(demand: demand)) {
                    try CooperativeGame.solve(gs, demand: demand, pricing: pricing, method: .exact)
                }
                unreachable += 1
                continue
            }
            let result = try CooperativeGame.solve(gs, demand: demand, pricing: pricing, method: .exact)
            let payout = result.payout
            let scale = max(1, brute.values.map(abs).max()!)
            #expect(near(result.clearingPrice, brute.price, 1e-9 * brute.price), "round \(round)")
            #expect(payout.coalition == best.map { gs[$0].id }, "round \(round)")
            #expect(result.best.members == payout.coalition, "round \(round)")
            let mask = best.reduce(0) { $0 | (1 << $1) }
            #expect(near(payout.value, brute.values[mask], 1e-9 * scale), "round \(round)")
            let x = brute.shapley(within: best)
            #expect(payout.shares.count == n)
            for (i, g) in gs.enumerated() {
                let share = try #require(payout.shares[g.id])
                if let expected = x[i] {
                    #expect(near(share, expected, 1e-8 * scale), "round \(round) \(g.id): \(share) vs \(expected)")
                } else {
                    #expect(share == 0, "round \(round) \(g.id) is outside S*")
                }
            }
            let inOrder = gs.map { payout.shares[$0.id]! }
            #expect(inOrder.reduce(0, +) == payout.value, "round \(round)")
            #expect(inOrder.reversed().reduce(0, +) == payout.value, "round \(round)")
            if brute.superadditive(within: best, tolerance: 1e-9 * scale) {
                // Every marginal contribution is at least v({i}), so the share is too.
                for i in best { #expect(payout.shares[gs[i].id]! >= brute.values[1 << i] - 1e-9 * scale, "round \(round)") }
                superadditiveChecked += 1
            }
            served += 1
            if best.count < n { notEveryone += 1 }
            if !brute.feasible[(1 << n) - 1] { grandInfeasible += 1 }
            if gs.contains(where: { $0.pmin == 0 }) { withZeroMin += 1 }
        }
        // The mix the rounds must cover.
        #expect(served >= 200 && unreachable >= 10)
        #expect(notEveryone >= 60 && grandInfeasible >= 30)
        #expect(superadditiveChecked >= 50 && withZeroMin >= 40)
    }
}
