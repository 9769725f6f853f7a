import Foundation
import Messages

/// The scenario `gridtrade demo` plays: one consumer's demand for a month, served by a round
/// among generators. The default is the paper's (SPEC.md section 4, Table 2: D = 160 MWh, GU1–GU3).
///
/// `--case FILE` takes `gridtrade game`'s input (`{"name"?, "demand_mwh", "pricing"?, "generators":
/// [{"id", "a", "b", "c", "pmin", "pmax", "k"}]}`, as in `../shared/scenarios/paper.json`) with what
/// a market needs beside the game, each optional: `"max_price"` (what the consumer pays at most,
/// default 20), `"consumer": {"bus", "max_demand_mw"}` (default bus 4, 50 MW) and each generator's
/// `"bus"` (default: 1, 2, 3, … in file order). Buses are case30's, which the dispatch center checks.
struct DemoCase: Sendable {
    struct Generator: Sendable {
        var name: String
        var bus: Int
        var pmin: Double
        var pmax: Double
        var a: Double
        var b: Double
        var c: Double
        var k: Double
    }

    var name: String
    var demandMwh: Double
    var maxPrice: Decimal
    var pricing: RoundPricing?
    var consumerBus: Int
    var consumerMaxDemandMw: Double
    var generators: [Generator]

    /// SPEC.md Table 2, on case30 as the process tests place it (units at buses 1–3, the mill at bus 4).
    static let paper = DemoCase(
        name: "the paper's round (SPEC.md section 4): 160 MWh among GU1, GU2 and GU3",
        demandMwh: 160, maxPrice: 20, pricing: nil, consumerBus: 4, consumerMaxDemandMw: 50,
        generators: [
            Generator(name: "GU1", bus: 1, pmin: 30, pmax: 100, a: 0.01, b: 8.4, c: 0, k: 1.3),
            Generator(name: "GU2", bus: 2, pmin: 35, pmax: 90, a: 0.02, b: 8.2, c: 0, k: 1.2),
            Generator(name: "GU3", bus: 3, pmin: 20, pmax: 105, a: 0.01, b: 8.8, c: 0, k: 1.1),
        ]
    )

    static func load(_ path: String) throws -> DemoCase {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Failure("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        let file: CaseFile
        do { file = try JSONDecoder().decode(CaseFile.self, from: data) } catch {
            throw Failure("\(path) is not a demo case (gridtrade game's input, with optional max_price, consumer and buses): \(error)")
        }
        let scenario = DemoCase(
            name: file.name ?? URL(fileURLWithPath: path).lastPathComponent,
            demandMwh: file.demandMwh, maxPrice: file.maxPrice ?? 20, pricing: file.pricing,
            consumerBus: file.consumer?.bus ?? 4, consumerMaxDemandMw: file.consumer?.maxDemandMw ?? 50,
            generators: file.generators.enumerated().map { index, unit in
                Generator(name: unit.id, bus: unit.bus ?? index + 1, pmin: unit.pmin, pmax: unit.pmax, a: unit.a, b: unit.b, c: unit.c, k: unit.k)
            }
        )
        try scenario.validate(path)
        return scenario
    }

    /// Mistakes a person makes in a case file, said before anything is registered.
    func validate(_ path: String) throws {
        guard !generators.isEmpty else { throw Failure("\(path): no generators") }
        guard demandMwh > 0, demandMwh.isFinite else { throw Failure("\(path): demand_mwh must be positive") }
        guard maxPrice > 0 else { throw Failure("\(path): max_price must be positive") }
        let names = generators.map(\.name)
        guard Set(names).count == names.count, names.allSatisfy({ !$0.isEmpty }) else { throw Failure("\(path): generator ids must be distinct and not empty") }
        for unit in generators where !(unit.k > 1 && unit.pmin >= 0 && unit.pmax >= unit.pmin && unit.bus > 0) {
            throw Failure("\(path): generator \(unit.name) needs k > 1, 0 <= pmin <= pmax and a bus >= 1")
        }
    }

    private struct CaseFile: Decodable {
        var name: String?
        var demandMwh: Double
        var pricing: RoundPricing?
        var maxPrice: Decimal?
        var consumer: Consumer?
        var generators: [Unit]

        struct Consumer: Decodable {
            var bus: Int?
            var maxDemandMw: Double?

            enum CodingKeys: String, CodingKey {
                case bus
                case maxDemandMw = "max_demand_mw"
            }
        }

        struct Unit: Decodable {
            var id: String
            var bus: Int?
            var a: Double
            var b: Double
            var c: Double
            var pmin: Double
            var pmax: Double
            var k: Double
        }

        enum CodingKeys: String, CodingKey {
            case name, pricing, consumer, generators
            case demandMwh = "demand_mwh"
            case maxPrice = "max_price"
        }
    }
}
