import Testing
@testable import Game

@Suite("Coalition dispatch: the exact KKT optimum")
struct CoalitionValueTests {
    /// v for given outputs at a price.
    func objective(_ gs: [GameGenerator], _ p: [Double], price: Double) -> Double {
        zip(gs, p).reduce(0) { $0 + (price - (2 * $1.0.a * $1.1 + $1.0.b)) * $1.1 }
    }

    @Test("two-unit coalitions: the KKT value matches a fine search over the split and is never beaten")
    func twoUnitsAgainstSearch() {
        var random = RandomGames(seed: 11)
        var checked = 0
        for _ in 0..<200 {
            let gs = random.generators(2, maxMinShare: 0.6)
            let demand = random.uniform(gs[0].pmin + gs[1].pmin, gs[0].pmax + gs[1].pmax)
            let price = random.uniform(10, 30)
            let coalition = CooperativeGame.value(of: gs, demand: demand, price: price)
            #expect(coalition.feasible)
            let lo = max(gs[0].pmin, demand - gs[1].pmax), hi = min(gs[0].pmax, demand - gs[1].pmin)
            var bestGrid = -Double.infinity
            let steps = 4_000
            for s in 0...steps {
                let p1 = lo + (hi - lo) * Double(s) / Double(steps)
                bestGrid = max(bestGrid, objective(gs, [p1, demand - p1], price: price))
            }
            #expect(coalition.value >= bestGrid - 1e-9)
            #expect(coalition.value - bestGrid <= 1e-3)
            #expect(near(coalition.value, objective(gs, [coalition.outputs["G1"]!, coalition.outputs["G2"]!], price: price), 1e-9))
            checked += 1
        }
        #expect(checked == 200)
    }

    @Test("larger coalitions satisfy the KKT conditions, and no transfer between two units helps")
    func kktConditions() {
        var random = RandomGames(seed: 12)
        for _ in 0..<200 {
            let n = Int(random.uniform(3, 9))
            let gs = random.generators(n, maxMinShare: 0.5)
            let sumMin = gs.reduce(0) { $0 + $1.pmin }, sumMax = gs.reduce(0) { $0 + $1.pmax }
            let demand = random.uniform(sumMin, sumMax)
            let price = random.uniform(10, 30)
            let coalition = CooperativeGame.value(of: gs, demand: demand, price: price)
            let p = gs.map { coalition.outputs[$0.id]! }
            #expect(near(p.reduce(0, +), demand, 1e-9 * demand))
            let marginal = zip(gs, p).map { 4 * $0.0.a * $0.1 + $0.0.b }
            let free = gs.indices.filter { p[$0] > gs[$0].pmin + 1e-9 && p[$0] < gs[$0].pmax - 1e-9 }
            let theta = free.first.map { marginal[$0] }
            for i in gs.indices {
                #expect(p[i] >= gs[i].pmin - 1e-12 && p[i] <= gs[i].pmax + 1e-12)
                guard let theta else { continue }
                if free.contains(i) { #expect(near(marginal[i], theta, 1e-9)) }
                else if p[i] >= gs[i].pmax - 1e-9 { #expect(marginal[i] <= theta + 1e-9) }
                else { #expect(marginal[i] >= theta - 1e-9) }
            }
            // Moving δ MW from i to j, within limits, never raises the objective.
            let base = objective(gs, p, price: price)
            for i in gs.indices { for j in gs.indices where i != j {
                let delta = min(0.5, p[i] - gs[i].pmin, gs[j].pmax - p[j])
                guard delta > 0 else { continue }
                var moved = p
                moved[i] -= delta; moved[j] += delta
                #expect(objective(gs, moved, price: price) <= base + 1e-9)
            } }
        }
    }

    @Test("infeasible coalitions are worth 0, with no outputs; a coalition exactly at Σ pmin or Σ pmax runs at its limits")
    func limits() {
        let gs = Array(paperGenerators.prefix(2))
        for demand in [50.0, 200.0] {
            let c = CooperativeGame.value(of: gs, demand: demand, price: 14.16)
            #expect(!c.feasible && c.value == 0 && c.outputs.isEmpty && c.members == ["GU1", "GU2"])
        }
        #expect(!CooperativeGame.value(of: [], demand: 10, price: 14.16).feasible)
        let atMin = CooperativeGame.value(of: gs, demand: 65, price: 14.16)
        #expect(atMin.outputs == ["GU1": 30, "GU2": 35])
        let atMax = CooperativeGame.value(of: gs, demand: 190, price: 14.16)
        #expect(atMax.outputs == ["GU1": 100, "GU2": 90])
    }

    @Test("the all-coalitions pass agrees with value(of:) on every coalition of random games")
    func exactPassMatchesValue() {
        var random = RandomGames(seed: 13)
        for _ in 0..<20 {
            let gs = random.generators(6, maxMinShare: 0.5)
            let demand = random.uniform(60, 350)
            let price = random.uniform(10, 30)
            let game = ExactGame(table: UnitTable(gs), demand: demand, price: price)
            for mask in 1..<(1 << gs.count) {
                let members = gs.indices.filter { mask & (1 << $0) != 0 }.map { gs[$0] }
                let direct = CooperativeGame.value(of: members, demand: demand, price: price)
                #expect(game.feasible[mask] == direct.feasible)
                #expect(near(game.values[mask], direct.value, 1e-9 * max(1, abs(direct.value))))
                let listed = game.coalition(mask: mask, ids: gs.map(\.id))
                #expect(listed.outputs.keys.sorted() == direct.outputs.keys.sorted())
                for (id, mw) in direct.outputs { #expect(near(listed.outputs[id]!, mw, 1e-9)) }
            }
        }
    }

    @Test("uniform price: supply meets D exactly and never exceeds the paper's price")
    func uniformAgainstPaper() throws {
        var random = RandomGames(seed: 14)
        for _ in 0..<200 {
            let gs = random.generators(Int(random.uniform(1, 12)), maxMinShare: 0.5)
            let sumMin = gs.reduce(0) { $0 + $1.pmin }, sumMax = gs.reduce(0) { $0 + $1.pmax }
            let demand = random.uniform(sumMin * 0.8, sumMax)
            guard (try? CooperativeGame.validate(gs, demand: demand)) != nil else { continue }
            let uniform = try CooperativeGame.clearingPrice(gs, demand: demand, pricing: .uniform)
            let paper = try CooperativeGame.clearingPrice(gs, demand: demand, pricing: .paper)
            #expect(uniform <= paper + 1e-9)
            if demand > sumMin {
                let supply = gs.reduce(0.0) { $0 + min(max((uniform / $1.k - $1.b) / (2 * $1.a), $1.pmin), $1.pmax) }
                #expect(near(supply, demand, 1e-9 * demand))
            } else {
                #expect(uniform == gs.map { $0.bid(at: $0.pmin) }.min())
            }
        }
    }
}
