import Foundation
import Testing
@testable import Game

@Suite("Input validation")
struct ValidationTests {
    func with(_ index: Int, _ change: (inout GameGenerator) -> Void) -> [GameGenerator] {
        var gs = paperGenerators
        change(&gs[index])
        return gs
    }

    @Test("each problem is refused with one clear line")
    func errors() {
        let cases: [([GameGenerator], Double, GameError, String)] = [
            ([], 160, .noGenerators, "no generators"),
            (with(1) { $0.id = "" }, 160, .emptyID(index: 1), "generator #2: id is empty"),
            (with(2) { $0.id = "GU1" }, 160, .duplicateID("GU1"), "generator GU1: id appears more than once"),
            (with(0) { $0.b = .nan }, 160, .notFinite(id: "GU1", field: "b", value: .nan), "generator GU1: b (nan) is not a finite number"),
            (with(0) { $0.pmax = .infinity }, 160, .notFinite(id: "GU1", field: "pmax", value: .infinity), "generator GU1: pmax (inf) is not a finite number"),
            (with(2) { $0.pmin = -1 }, 160, .negativePmin(id: "GU3", pmin: -1), "generator GU3: pmin (-1.0) must not be negative"),
            (with(1) { $0.pmin = 95 }, 160, .pminNotBelowPmax(id: "GU2", pmin: 95, pmax: 90), "generator GU2: pmin (95.0) must be less than pmax (90.0)"),
            (with(1) { $0.pmin = 90 }, 160, .pminNotBelowPmax(id: "GU2", pmin: 90, pmax: 90), "generator GU2: pmin (90.0) must be less than pmax (90.0)"),
            (with(1) { $0.k = 1 }, 160, .kNotAboveOne(id: "GU2", k: 1), "generator GU2: k (1.0) must be greater than 1"),
            (with(0) { $0.a = 0 }, 160, .aNotPositive(id: "GU1", a: 0), "generator GU1: a (0.0) must be greater than 0"),
            (paperGenerators, .nan, .demandNotFinite(.nan), "demand (nan) is not a finite number"),
            (paperGenerators, 0, .demandNotPositive(0), "demand (0.0) must be greater than 0"),
            (paperGenerators, 296, .demandUnreachable(demand: 296), "demand 296.0 MWh is out of every coalition's reach: no set of generators has sum of pmin <= 296.0 <= sum of pmax"),
            (paperGenerators, 10, .demandUnreachable(demand: 10), "demand 10.0 MWh is out of every coalition's reach: no set of generators has sum of pmin <= 10.0 <= sum of pmax"),
        ]
        for (gs, demand, error, line) in cases {
            var thrown: GameError?
            do { try CooperativeGame.validate(gs, demand: demand) } catch { thrown = error }
            // NaN payloads are never ==, so compare the lines, and the cases where they are comparable.
            #expect(thrown?.description == line)
            if !(demand.isNaN || gs.contains { $0.b.isNaN }) { #expect(thrown == error) }
            #expect(!line.contains("\n"))
            #expect(throws: GameError.self) { try CooperativeGame.solve(gs, demand: demand, pricing: .paper, method: .exact) }
        }
        // Demands between every coalition's range: 10 is below every pmin; 296 above Σ pmax (295).
        #expect((try? CooperativeGame.validate(paperGenerators, demand: 20)) != nil)
        #expect((try? CooperativeGame.validate(paperGenerators, demand: 295)) != nil)
    }

    @Test("a demand between coalitions' ranges is out of reach")
    func gapInReach() {
        let gs = [
            GameGenerator(id: "A", a: 0.01, b: 8, pmin: 60, pmax: 100, k: 1.2),
            GameGenerator(id: "B", a: 0.01, b: 8, pmin: 60, pmax: 100, k: 1.2),
        ]
        // {A}, {B}: 60-100; {A, B}: 120-200. 110 is in none.
        #expect(throws: GameError.demandUnreachable(demand: 110)) { try CooperativeGame.validate(gs, demand: 110) }
        #expect((try? CooperativeGame.validate(gs, demand: 100)) != nil)
        #expect((try? CooperativeGame.validate(gs, demand: 120)) != nil)
    }

    @Test("the reach test agrees with trying every subset")
    func reachAgainstBruteForce() {
        var random = RandomGames(seed: 31)
        var refused = 0, accepted = 0
        for _ in 0..<400 {
            let n = Int(random.uniform(1, 9))
            let units = (0..<n).map { _ -> (lo: Double, hi: Double) in
                let lo = random.uniform(0, 100)
                return (lo, lo + random.uniform(0.5, 20))
            }
            let demand = random.uniform(1, units.reduce(0) { $0 + $1.hi } * 1.1)
            var brute = false
            for mask in 1..<(1 << n) {
                let s = units.indices.filter { mask & (1 << $0) != 0 }
                let lo = s.reduce(0) { $0 + units[$1].lo }, hi = s.reduce(0) { $0 + units[$1].hi }
                if lo <= demand && demand <= hi { brute = true; break }
            }
            #expect(CooperativeGame.isReachable(units, demand: demand) == brute)
            if brute { accepted += 1 } else { refused += 1 }
        }
        #expect(refused > 50 && accepted > 50)
    }

    @Test("the exact method refuses more than exactHardLimit generators")
    func exactCap() {
        var random = RandomGames(seed: 32)
        let gs = random.generators(CooperativeGame.exactHardLimit + 1)
        #expect(throws: GameError.tooManyForExact(count: gs.count, limit: CooperativeGame.exactHardLimit)) {
            try CooperativeGame.solve(gs, demand: 500, pricing: .paper, method: .exact)
        }
    }

    @Test("generators decode from the JSON keys id, a, b, c, pmin, pmax, k")
    func codable() throws {
        let json = #"{"id":"GU1","a":0.01,"b":8.4,"c":0,"pmin":30,"pmax":100,"k":1.3}"#
        let decoded = try JSONDecoder().decode(GameGenerator.self, from: Data(json.utf8))
        #expect(decoded == paperGenerators[0])
    }
}
