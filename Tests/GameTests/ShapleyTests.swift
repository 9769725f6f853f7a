import Testing
@testable import Game

@Suite("Shapley values and the core")
struct ShapleyTests {
    /// Shapley by the definition: average marginal contribution over every permutation.
    func bruteShapley(_ gs: [GameGenerator], demand: Double, price: Double) -> [Double] {
        var x = [Double](repeating: 0, count: gs.count)
        let perms = allPermutations(gs.count)
        for perm in perms {
            var prefix: [GameGenerator] = []
            var previous = 0.0
            for i in perm {
                prefix.append(gs[i])
                let v = CooperativeGame.value(of: prefix, demand: demand, price: price).value
                x[i] += v - previous
                previous = v
            }
        }
        return x.map { $0 / Double(perms.count) }
    }

    @Test("exact Shapley equals the permutation definition on random games")
    func exactAgainstDefinition() throws {
        var random = RandomGames(seed: 21)
        for _ in 0..<15 {
            let gs = random.generators(5, maxMinShare: 0.6)
            let demand = random.uniform(60, 300)
            guard (try? CooperativeGame.validate(gs, demand: demand)) != nil else { continue }
            let price = random.uniform(8, 25)
            let exact = try CooperativeGame.exactShapley(gs, demand: demand, price: price).shapley.values
            let brute = bruteShapley(gs, demand: demand, price: price)
            for (i, g) in gs.enumerated() { #expect(near(exact[g.id]!, brute[i], 1e-8)) }
        }
    }

    /// The sampler's per-permutation estimate, averaged over all n! orders, must be the Shapley
    /// value exactly: checks the incremental walk, the band (Rao–Blackwell) step and their weights.
    @Test("the sampler's estimator averaged over every permutation is exactly Shapley (incl. prefixes that turn infeasible)")
    func samplerIsUnbiased() throws {
        var random = RandomGames(seed: 22)
        var cases = 0
        for trial in 0..<36 {
            let n = trial % 6 + 1
            // Some games have Σ pmin above D, so long prefixes become infeasible again.
            let gs = random.generators(n, maxMinShare: trial % 3 == 0 ? 0.9 : 0.4)
            let total = gs.reduce(0) { $0 + $1.pmax }
            let demand = random.uniform(0.2, 0.8) * total
            guard (try? CooperativeGame.validate(gs, demand: demand)) != nil else { continue }
            let price = random.uniform(8, 25)
            let exact = try CooperativeGame.exactShapley(gs, demand: demand, price: price).shapley.values
            let sampler = PermutationSampler(table: UnitTable(gs), demand: demand, price: price)
            var sum = [Double](repeating: 0, count: n)
            let perms = allPermutations(n)
            for perm in perms {
                for (position, unit) in perm.enumerated() { sampler.order[position] = Int32(unit) }
                sampler.walk()
                for i in 0..<n { sum[i] += sampler.contribution[i] }
            }
            let scale = max(1, exact.values.map(abs).max()!)
            for (i, g) in gs.enumerated() {
                #expect(near(sum[i] / Double(perms.count), exact[g.id]!, 1e-9 * scale), "trial \(trial) \(g.id)")
            }
            cases += 1
        }
        #expect(cases >= 24)
    }

    @Test("sampled Shapley on an 8-generator game agrees with exact within its half-widths, deterministically")
    func sampledAgainstExact() throws {
        var random = RandomGames(seed: 23)
        let gs = random.generators(8, maxMinShare: 0.3)
        let demand = 0.6 * gs.reduce(0) { $0 + $1.pmax }
        for pricing in [Pricing.paper, .uniform] {
            let exact = try CooperativeGame.solve(gs, demand: demand, pricing: pricing, method: .exact)
            let sampled = try CooperativeGame.solve(gs, demand: demand, pricing: pricing, method: .sampled(samples: 400, seed: 42))
            let again = try CooperativeGame.solve(gs, demand: demand, pricing: pricing, method: .sampled(samples: 400, seed: 42))
            let other = try CooperativeGame.solve(gs, demand: demand, pricing: pricing, method: .sampled(samples: 400, seed: 43))
            #expect(sampled.shapley.values == again.shapley.values, "same seed, same numbers")
            #expect(sampled.shapley.values != other.shapley.values)
            #expect(sampled.shapley.samples == 400)
            #expect(sampled.clearingPrice == exact.clearingPrice)
            // Each interval is a 95% one, so about 1 in 20 misses: every estimate must be within two
            // half-widths (a 1-in-10,000 miss) and at most two of the eight outside one.
            let widths = try #require(sampled.shapley.halfWidth95)
            var outside = 0
            for g in gs {
                let error = abs(sampled.shapley.values[g.id]! - exact.shapley.values[g.id]!)
                #expect(error <= 2 * widths[g.id]!, "\(pricing) \(g.id): off by \(error), half-width \(widths[g.id]!)")
                #expect(widths[g.id]! > 0)
                if error > widths[g.id]! { outside += 1 }
            }
            #expect(outside <= 2)
            #expect(sampled.best.members == exact.best.members)
            #expect(near(sampled.best.value, exact.best.value, 1e-9 * abs(exact.best.value)))
        }
    }

    @Test("sampling until a target stops once every half-width is within target × v(N)/n")
    func sampledUntilTarget() throws {
        var random = RandomGames(seed: 24)
        let gs = random.generators(12, maxMinShare: 0.3)
        let demand = 0.6 * gs.reduce(0) { $0 + $1.pmax }
        let price = try CooperativeGame.clearingPrice(gs, demand: demand, pricing: .paper)
        let vN = CooperativeGame.value(of: gs, demand: demand, price: price).value
        let outcome = try CooperativeGame.sampleShapley(gs, demand: demand, price: price, plan: SamplingPlan(target: 0.05, maxSamples: 100_000, seed: 1))
        #expect(outcome.targetMet == true)
        #expect(near(outcome.scale, vN / 12, 1e-9 * vN))
        #expect(outcome.worstRelativeHalfWidth <= 0.05)
        #expect(outcome.estimate.halfWidth95!.values.allSatisfy { $0 <= 0.05 * vN / 12 })
        #expect(outcome.estimate.samples! < 100_000)
        let capped = try CooperativeGame.sampleShapley(gs, demand: demand, price: price, plan: SamplingPlan(target: 1e-6, maxSamples: 300, seed: 1))
        #expect(capped.targetMet == false && capped.estimate.samples == 300)
        #expect(throws: GameError.badSampling("samples (1) must be at least 2")) {
            try CooperativeGame.sampleShapley(gs, demand: demand, price: price, plan: SamplingPlan(samples: 1, seed: 1))
        }
    }

    @Test("a game in the core: only GU1+GU3 and all three can serve 200 MWh")
    func inCore() throws {
        let result = try CooperativeGame.solve(paperGenerators, demand: 200, pricing: .paper, method: .exact)
        let core = try #require(result.core)
        #expect(core.inCore && core.mostViolated == nil && core.violation == nil)
        #expect(result.coalitions.filter(\.feasible).map(\.members) == [["GU1", "GU3"], ["GU1", "GU2", "GU3"]])
        #expect(near(result.shapley.values.values.reduce(0, +), result.coalitions.last!.value, 1e-9))
    }

    @Test("a game not in the core reports its most violated coalition: two twins that can each serve D")
    func notInCore() throws {
        let twin = GameGenerator(id: "A", a: 0.01, b: 9, c: 0, pmin: 10, pmax: 100, k: 1.2)
        var other = twin
        other.id = "B"
        let result = try CooperativeGame.solve([twin, other], demand: 60, pricing: .paper, method: .exact)
        let values = result.coalitions.map(\.value)  // {A}, {B}, {A, B}
        #expect(near(values[0], values[1], 1e-9) && values[2] < 2 * values[0])
        let core = try #require(result.core)
        #expect(!core.inCore)
        #expect(core.mostViolated == ["A"])
        #expect(near(try #require(core.violation), values[0] - values[2] / 2, 1e-9))
    }

    @Test("the best coalition is the most valuable feasible one; near-ties go to fewer members")
    func best() throws {
        // C cannot produce cheaply and must run at least 40 MW: the grand coalition is worse without it.
        let gs = [
            GameGenerator(id: "A", a: 0.01, b: 8, pmin: 10, pmax: 100, k: 1.3),
            GameGenerator(id: "B", a: 0.01, b: 8.5, pmin: 10, pmax: 100, k: 1.3),
            GameGenerator(id: "C", a: 0.05, b: 20, pmin: 40, pmax: 60, k: 1.1),
        ]
        let exact = try CooperativeGame.solve(gs, demand: 150, pricing: .paper, method: .exact)
        #expect(exact.best.members == ["A", "B"])
        #expect(exact.best.value == exact.coalitions.filter(\.feasible).map(\.value).max())
        let sampled = try CooperativeGame.solve(gs, demand: 150, pricing: .paper, method: .sampled(samples: 50, seed: 3))
        #expect(sampled.best.members == ["A", "B"])
    }
}
