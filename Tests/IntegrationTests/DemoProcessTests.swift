import Foundation
import Testing

/// `gridtrade demo` on a cluster `gridtrade up` started: the paper's round from nothing to a
/// contract committed on every data center with a verified proof, twice on the same cluster.
@Suite("gridtrade demo, on a cluster of its own", .serialized)
struct DemoProcessTests {
    let gridtrade = binDirectory.appendingPathComponent("gridtrade")
    let compose = repositoryRoot.appendingPathComponent("compose.yaml")

    @Test("the paper's round clears at 14.16 with its Shapley split and ends in one contract of seven parties, committed and proven; again with fresh keys")
    func paperScenario() async throws {
        let home = try temporaryDirectory("demo")
        // Ports 8101 to 9932: clear of the default cluster (7101 up), freePort's range (5000 to 7000)
        // and ClusterTests' offsets (10000 up).
        let offset = Int.random(in: 1_000...2_700)
        try await stopping({ _ = try? await run(gridtrade, ["down", "--home", home.path, "--grace", "2"]) }) {
            let up = try await run(gridtrade, ["up", "--home", home.path, "--file", compose.path, "--port-offset", "\(offset)"])
            try #require(up.status == 0, "up failed: \(up.output) \(up.error)")

            let first = try await demo(home)
            let second = try await demo(home)
            // A new round with new members: another contract, in a later block.
            #expect(first.contractId != second.contractId)
            #expect(second.height > first.height)
        }
    }

    /// Runs `gridtrade demo --json` and checks what it printed; returns the contract's id and height.
    func demo(_ home: URL) async throws -> (contractId: String, height: Int) {
        let result = try await run(gridtrade, ["demo", "--json", "--home", home.path])
        try #require(result.status == 0, "demo failed (\(result.status)): \(result.output)\n\(result.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "not a JSON object: \(result.output)")
        #expect(Set(report.keys) == ["clearing_price", "shapley", "contracts", "block_height", "proof_verified", "settlement"])

        let price = try #require(report["clearing_price"] as? NSNumber)
        #expect(abs(price.doubleValue - 14.16) < 1e-9)
        let shapley = try #require(report["shapley"] as? [String: NSNumber])
        #expect(Set(shapley.keys) == ["GU1", "GU2", "GU3"])
        for (name, share) in [("GU1", 253.91), ("GU2", 211.49), ("GU3", 233.99)] {
            #expect(abs((shapley[name]?.doubleValue ?? 0) - share) <= 0.01, "\(name): \(String(describing: shapley[name]))")
        }

        let contracts = try #require(report["contracts"] as? [[String: Any]])
        try #require(contracts.count == 1, "\(contracts)")
        let contract = contracts[0]
        let id = try #require(contract["id"] as? String)
        #expect(id.hasPrefix("ct-r-"), "one coalition contract per round: \(id)")
        let height = try #require((contract["height"] as? NSNumber)?.intValue)
        let parties = try #require(contract["parties"] as? [[String: Any]])
        #expect(parties.count == 7)
        let roles = parties.compactMap { $0["role"] as? String }
        #expect(roles.sorted() == ["consumer", "dispatch_center", "generator", "generator", "generator", "grid_company", "trading_center"])
        #expect(Set(parties.compactMap { $0["member"] as? String }).count == 7)

        #expect((report["block_height"] as? NSNumber)?.intValue == height)
        #expect((report["proof_verified"] as? NSNumber)?.boolValue == true)
        #expect(report["settlement"] is NSNull)
        return (id, height)
    }
}
