@testable import Game

/// Table 2 of the paper (SPEC.md section 4), D = 160 MWh.
let paperGenerators = [
    GameGenerator(id: "GU1", a: 0.01, b: 8.4, c: 0, pmin: 30, pmax: 100, k: 1.3),
    GameGenerator(id: "GU2", a: 0.02, b: 8.2, c: 0, pmin: 35, pmax: 90, k: 1.2),
    GameGenerator(id: "GU3", a: 0.01, b: 8.8, c: 0, pmin: 20, pmax: 105, k: 1.1),
]
let paperDemand = 160.0

func near(_ x: Double, _ y: Double, _ tolerance: Double) -> Bool { abs(x - y) <= tolerance }

/// Seeded random generators: a in [0.005, 0.03], b in [7, 12], pmax in [40, 140],
/// pmin a fraction of pmax in [0, maxMinShare], k in [1.05, 1.4].
struct RandomGames {
    var rng: Xoshiro256

    init(seed: UInt64) { rng = Xoshiro256(seed: seed) }

    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(rng.next() >> 11) / Double(1 << 53)
    }

    mutating func generators(_ n: Int, maxMinShare: Double = 0.4) -> [GameGenerator] {
        (0..<n).map { i in
            let pmax = uniform(40, 140)
            return GameGenerator(id: "G\(i + 1)", a: uniform(0.005, 0.03), b: uniform(7, 12), c: 0,
                                 pmin: pmax * uniform(0, maxMinShare), pmax: pmax, k: uniform(1.05, 1.4))
        }
    }
}

/// Every permutation of 0 ..< n (Heap's algorithm).
func allPermutations(_ n: Int) -> [[Int]] {
    var result: [[Int]] = []
    var a = Array(0..<n)
    func generate(_ k: Int) {
        if k == 1 { result.append(a); return }
        for i in 0..<k {
            generate(k - 1)
            a.swapAt(k % 2 == 0 ? i : 0, k - 1)
        }
    }
    generate(n)
    return result
}
