import Testing
@testable import Game

/// Issue 13 item 1: the payout game is played among the coalition that serves, S*, alone
/// (SPEC.md section 4, "Who is paid when the best coalition is not everyone").
@Suite("Payout: the coalition that serves shares its value")
struct PayoutTests {
    /// The issue's three offers (the paper's a, b, k; pmin 30/35/100, pmax 100/90/150), D = 160:
    /// Σ pmin = 165 > 160, so together they cannot serve. Price (paper rule, every unit at pmin):
    /// max(11.7, 11.52, 11.88) = 11.88. {A, B}: 100 + 60 MW, 148 + 76.8 = 224.8; {A, C}: C pinned
    /// at 100, A at 60, 136.8 + 108 = 244.8; {B, C}: 58.33 + 101.67 MW, 184.97. No offer serves alone.
    let example = [
        GameGenerator(id: "A", a: 0.01, b: 8.4, c: 0, pmin: 30, pmax: 100, k: 1.3),
        GameGenerator(id: "B", a: 0.02, b: 8.2, c: 0, pmin: 35, pmax: 90, k: 1.2),
        GameGenerator(id: "C", a: 0.01, b: 8.8, c: 0, pmin: 100, pmax: 150, k: 1.1),
    ]

    /// Σ shares added in input order, in reverse and from the smallest up: all three must be the value.
    func sums(_ payout: Payout, _ gs: [GameGenerator]) -> [Double] {
        let inOrder = gs.map { payout.shares[$0.id] ?? .nan }
        return [inOrder.reduce(0, +), inOrder.reversed().reduce(0, +), inOrder.sorted().reduce(0, +)]
    }

    @Test("today's shapley (the game among all offers) charges B, which produces nothing, and pays C less than nothing")
    func allOffersGameChargesB() throws {
        // Kept as the record of the bug: `shapley` still reports the game among all offers (the
        // paper's tables use it), and on this input that game splits v(N) = 0.
        let result = try CooperativeGame.solve(example, demand: 160, pricing: .paper, method: .exact)
        let x = result.shapley.values
        let v = result.coalitions.map(\.value)  // {A}, {B}, {C}, {A, B}, {A, C}, {B, C}, {A, B, C}
        #expect(near(v[4], 244.8, 1e-9) && v[6] == 0)
        #expect(near(x["B"]!, (v[3] + v[5]) / 6 - v[4] / 3, 1e-9))  // −13.31
        #expect(x["B"]! < 0)
        #expect(x["C"]! < 0)
        #expect(near(x.values.reduce(0, +), 0, 1e-9))
        #expect(result.best.members == ["A", "C"])
        #expect(result.best.outputs["B"] == nil)
    }

    @Test("the issue's example: v(N) = 0, S* = {A, C}, B gets exactly 0, A and C split v(S*) = 244.8")
    func issueExample() throws {
        let result = try CooperativeGame.solve(example, demand: 160, pricing: .paper, method: .exact)
        #expect(near(result.clearingPrice, 11.88, 1e-12))
        let grand = result.coalitions.last!
        #expect(grand.members == ["A", "B", "C"] && !grand.feasible && grand.value == 0)
        let payout = result.payout
        #expect(payout.coalition == ["A", "C"])
        #expect(payout.coalition == result.best.members)
        #expect(near(payout.value, 244.8, 1e-9))
        #expect(payout.shares.keys.sorted() == ["A", "B", "C"])
        #expect(payout.shares["B"] == 0)
        // Two players with v({A}) = v({C}) = 0: an even split.
        #expect(near(payout.shares["A"]!, 122.4, 1e-9))
        #expect(near(payout.shares["C"]!, 122.4, 1e-9))
        // ({A, C}, v) is superadditive (0 + 0 ≤ 244.8): nobody in it is charged.
        #expect(payout.shares.values.allSatisfy { $0 >= 0 })
        for sum in sums(payout, example) { #expect(sum == payout.value) }
        #expect(payout.halfWidth95 == nil && payout.samples == nil)
    }

    @Test("the paper's game is unchanged: S* is everyone and the payout is Shapley 253.91, 211.49, 233.99")
    func paperUnchanged() throws {
        let result = try CooperativeGame.solve(paperGenerators, demand: paperDemand, pricing: .paper, method: .exact)
        let payout = result.payout
        #expect(payout.coalition == ["GU1", "GU2", "GU3"])
        #expect(near(payout.value, 699.40, 0.01))
        #expect(near(payout.shares["GU1"]!, 253.91, 0.01))
        #expect(near(payout.shares["GU2"]!, 211.49, 0.01))
        #expect(near(payout.shares["GU3"]!, 233.99, 0.01))
        for (id, x) in result.shapley.values { #expect(near(payout.shares[id]!, x, 1e-9)) }
        for sum in sums(payout, paperGenerators) { #expect(sum == payout.value) }
        #expect(abs(payout.value - result.best.value) <= payout.quantum / 2)
        // Sampling the game among all offers keeps the exact payout: |S*| = 3 is small enough.
        let sampled = try CooperativeGame.solve(paperGenerators, demand: paperDemand, pricing: .paper, method: .sampled(samples: 500, seed: 5))
        #expect(sampled.payout == payout)
    }

    @Test("the rounding rule: value is v(S*) on a power-of-two grid fine enough that any order of adding the shares is exact")
    func roundingRule() throws {
        var random = RandomGames(seed: 131)
        var checked = 0
        for _ in 0..<60 {
            let gs = random.generators(Int(random.uniform(2, 9)), maxMinShare: 0.7)
            let demand = random.uniform(0.3, 0.9) * gs.reduce(0) { $0 + $1.pmax }
            guard let result = try? CooperativeGame.solve(gs, demand: demand, pricing: .paper, method: .exact) else { continue }
            let payout = result.payout
            let q = payout.quantum
            #expect(q > 0 && q == Double(sign: .plus, exponent: q.exponent, significand: 1))
            #expect(abs(payout.value - result.best.value) <= q / 2)
            #expect(q <= 1e-12 * max(1, abs(result.best.value) + payout.shares.values.reduce(0) { $0 + abs($1) }))
            for sum in sums(payout, gs) { #expect(sum == payout.value) }
            for share in payout.shares.values { #expect((share / q).rounded() == share / q) }
            checked += 1
        }
        #expect(checked >= 40)
    }

    @Test("ties for S*: equal values go to fewer members, then to the first in input order")
    func tieBreak() throws {
        // Twins: {A} and {B} can each serve 60 MWh alone, at the same value; together they must
        // run 80 MW and cannot.
        let twin = GameGenerator(id: "A", a: 0.01, b: 9, c: 0, pmin: 40, pmax: 100, k: 1.2)
        var other = twin
        other.id = "B"
        let twins = try CooperativeGame.solve([twin, other], demand: 60, pricing: .paper, method: .exact)
        #expect(twins.payout.coalition == ["A"])
        #expect(twins.best.members == ["A"])
        #expect(twins.payout.shares["B"] == 0)
        #expect(twins.payout.shares["A"] == twins.payout.value)
        let swapped = try CooperativeGame.solve([other, twin], demand: 60, pricing: .paper, method: .exact)
        #expect(swapped.payout.coalition == ["B"])
        // Z may run at 0 MW (pmin 0) and is dearer than GU1 and GU3 at any output they need:
        // {GU1, GU3} and {GU1, GU3, Z} are worth the same, and the smaller one serves.
        let z = GameGenerator(id: "Z", a: 0.03, b: 30, c: 0, pmin: 0, pmax: 20, k: 1.05)
        let gs = [paperGenerators[0], paperGenerators[2], z]
        let result = try CooperativeGame.solve(gs, demand: 160, pricing: .paper, method: .exact)
        let values = Dictionary(uniqueKeysWithValues: result.coalitions.map { ($0.members.joined(separator: "+"), $0.value) })
        #expect(near(values["GU1+GU3"]!, values["GU1+GU3+Z"]!, 1e-9))
        #expect(result.payout.coalition == ["GU1", "GU3"])
        #expect(result.payout.shares["Z"] == 0)
    }

    @Test("over 20 offers the payout is sampled among S*: it sums to v(S*) exactly and carries its 95% interval")
    func sampledOverTwenty() throws {
        var random = RandomGames(seed: 132)
        // 26 offers, plus a dear one that must run 50 MW more than the others leave room for: with
        // it Σ pmin exceeds D, so v(N) = 0, and S* (found by the heuristic search, as n > exactLimit)
        // leaves it out.
        var gs = random.generators(26, maxMinShare: 0.2)
        let demand = 0.7 * gs.reduce(0) { $0 + $1.pmax }
        let bigMin = demand - gs.reduce(0) { $0 + $1.pmin } + 50
        gs.append(GameGenerator(id: "BIG", a: 0.001, b: 12, c: 0, pmin: bigMin, pmax: bigMin + 100, k: 1.2))
        #expect(gs.reduce(0) { $0 + $1.pmin } > demand)
        let plan = SamplingPlan(samples: 600, seed: 9)
        let result = try CooperativeGame.solve(gs, demand: demand, pricing: .paper, method: .sampled(samples: 600, seed: 9))
        let payout = result.payout
        #expect(!payout.coalition.contains("BIG"))
        #expect(payout.coalition.count > CooperativeGame.exactLimit)
        #expect(payout.coalition == result.best.members)
        #expect(payout.shares.count == gs.count)
        #expect(payout.shares["BIG"] == 0)
        for sum in sums(payout, gs) { #expect(sum == payout.value) }
        #expect(abs(payout.value - result.best.value) <= payout.quantum / 2)
        let widths = try #require(payout.halfWidth95)
        #expect(payout.samples == plan.maxSamples)
        #expect(widths.count == gs.count)
        #expect(widths["BIG"] == 0)
        for id in payout.coalition { #expect(widths[id]! > 0 && widths[id]!.isFinite) }
        // Deterministic for the seed.
        let again = try CooperativeGame.solve(gs, demand: demand, pricing: .paper, method: .sampled(samples: 600, seed: 9))
        #expect(again.payout == payout)
    }

    @Test("sampling forced on small games: the example and the paper sum exactly, and land within their intervals")
    func sampledSmall() throws {
        let plan = SamplingPlan(samples: 4_000, seed: 7)
        let example = try CooperativeGame.solve(example, demand: 160, pricing: .paper, sampling: plan, exactSharesUpTo: 0)
        #expect(example.payout.coalition == ["A", "C"])
        #expect(example.payout.shares["B"] == 0)
        #expect(example.payout.halfWidth95?["B"] == 0)
        #expect(example.payout.samples == 4_000)
        for sum in sums(example.payout, self.example) { #expect(sum == example.payout.value) }
        #expect(near(example.payout.value, 244.8, 1e-9))

        let paper = try CooperativeGame.solve(paperGenerators, demand: paperDemand, pricing: .paper, sampling: plan, exactSharesUpTo: 0)
        let widths = try #require(paper.payout.halfWidth95)
        for (id, exact) in [("GU1", 253.911), ("GU2", 211.494), ("GU3", 233.994)] {
            #expect(abs(paper.payout.shares[id]! - exact) <= 2 * widths[id]!, "\(id)")
            #expect(widths[id]! > 0)
        }
        for sum in sums(paper.payout, paperGenerators) { #expect(sum == paper.payout.value) }
        #expect(near(paper.payout.value, 699.40, 0.01))
    }

    /// The sampled payout credits, per permutation, the sampler's estimate plus an equal part of
    /// what it misses of v(S*), so every permutation's vector sums to v(S*). Averaged over all n!
    /// orders that must still be Shapley exactly, or the estimate would be biased.
    @Test("the efficient per-permutation estimate, averaged over every permutation, is exactly Shapley")
    func efficientEstimateIsUnbiased() throws {
        var random = RandomGames(seed: 133)
        var cases = 0
        for trial in 0..<24 {
            let n = trial % 5 + 2
            let gs = random.generators(n, maxMinShare: trial % 3 == 0 ? 0.9 : 0.4)
            let demand = random.uniform(0.2, 0.8) * gs.reduce(0) { $0 + $1.pmax }
            guard (try? CooperativeGame.validate(gs, demand: demand)) != nil else { continue }
            let price = random.uniform(8, 25)
            let total = CooperativeGame.value(of: gs, demand: demand, price: price).value
            let exact = try CooperativeGame.exactShapley(gs, demand: demand, price: price).shapley.values
            let sampler = PermutationSampler(table: UnitTable(gs), demand: demand, price: price)
            var sum = [Double](repeating: 0, count: n)
            let perms = allPermutations(n)
            for perm in perms {
                for (position, unit) in perm.enumerated() { sampler.order[position] = Int32(unit) }
                sampler.walk()
                sampler.makeEfficient(total: total)
                #expect(near(sampler.contribution.reduce(0, +), total, 1e-9 * max(1, abs(total))))
                for i in 0..<n { sum[i] += sampler.contribution[i] }
            }
            let scale = max(1, exact.values.map(abs).max()!)
            for (i, g) in gs.enumerated() { #expect(near(sum[i] / Double(perms.count), exact[g.id]!, 1e-9 * scale), "trial \(trial) \(g.id)") }
            cases += 1
        }
        #expect(cases >= 15)
    }
}
