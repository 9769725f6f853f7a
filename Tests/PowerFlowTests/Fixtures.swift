import Foundation
@testable import PowerFlow

/// Small cases whose flows can be worked out by hand, and the repository's case files.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func casePath(_ name: String) -> String { repository.appendingPathComponent("deploy/cases/\(name)").path }

    /// Three buses in a triangle, every line x = 0.1 p.u. (b = 10), baseMVA 100: bus 1 (reference)
    /// generates 100 MW, bus 2 takes 60, bus 3 takes 40.
    /// By hand: θ2 = −16/300, θ3 = −14/300 rad; flows 1→2 = 160/3, 1→3 = 140/3, 2→3 = −20/3 MW;
    /// a 1 → 2 transfer puts 2/3 on 1→2, 1/3 on 1→3 and −1/3 on 2→3.
    static func triangle(rate12: Double = 0, rate13: Double = 0, rate23: Double = 0) -> MatpowerCase {
        MatpowerCase(
            baseMVA: 100,
            buses: [CaseBus(number: 1, type: .reference), CaseBus(number: 2, type: .pq, loadMW: 60), CaseBus(number: 3, type: .pq, loadMW: 40)],
            generators: [CaseGenerator(bus: 1, outputMW: 100)],
            branches: [CaseBranch(from: 1, to: 2, reactance: 0.1, rateA: rate12), CaseBranch(from: 1, to: 3, reactance: 0.1, rateA: rate13),
                       CaseBranch(from: 2, to: 3, reactance: 0.1, rateA: rate23)]
        )
    }

    /// Four buses in a ring 1-2-3-4-1 with the diagonal 1-3 (no bridges) and a radial bus 5 off bus 4
    /// (4-5 is a bridge). Different reactances so every outage moves flows differently.
    static func meshWithSpur(rate: Double = 0) -> MatpowerCase {
        MatpowerCase(
            baseMVA: 100,
            buses: [CaseBus(number: 1, type: .reference), CaseBus(number: 2, type: .pv, loadMW: 30), CaseBus(number: 3, type: .pq, loadMW: 90),
                    CaseBus(number: 4, type: .pq, loadMW: 50), CaseBus(number: 5, type: .pq, loadMW: 20)],
            generators: [CaseGenerator(bus: 1, outputMW: 150), CaseGenerator(bus: 2, outputMW: 40)],
            branches: [
                CaseBranch(from: 1, to: 2, reactance: 0.05, rateA: rate), CaseBranch(from: 2, to: 3, reactance: 0.10, rateA: rate),
                CaseBranch(from: 3, to: 4, reactance: 0.08, rateA: rate), CaseBranch(from: 4, to: 1, reactance: 0.12, rateA: rate),
                CaseBranch(from: 1, to: 3, reactance: 0.20, rateA: rate, tap: 1.05, shiftDegrees: 2), CaseBranch(from: 4, to: 5, reactance: 0.07, rateA: rate),
            ]
        )
    }

    static func flows(_ network: DCNetwork) -> [Double] { network.baseFlows.map(\.flowMW) }
}
