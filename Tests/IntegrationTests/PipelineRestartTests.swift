import Bus
import Contracts
import Foundation
import Glibc
import LedgerKit
import Messages
import Testing

/// Issue 14: "Kill -9 any one service in the middle and restart it: every trade still completes,
/// exactly once." One test per service, each on a rig of its own with the parties' agents signing.
@Suite("Kill -9 one service of the pipeline mid-flight and restart it: every trade completes, exactly once", .serialized)
struct PipelineRestartTests {
    @Test("matching killed and restarted mid-flight") func matching() async throws { try await restartMidway("matching") { $0.desk.market.matching } }

    @Test("review (the trading center's desk) killed and restarted mid-flight") func review() async throws { try await restartMidway("review") { $0.desk.review } }

    @Test("dispatch killed and restarted mid-flight") func dispatch() async throws { try await restartMidway("dispatch") { $0.desk.dispatch } }

    @Test("ledger-1, the data center the desk submits to, killed and restarted mid-flight")
    func ledger() async throws { try await restartMidway("ledger-1") { $0.ledger.nodes[0] } }

    @Test("the registry killed and restarted mid-flight") func registry() async throws { try await restartMidway("registry") { $0.registry.process } }

    /// Bilateral orders of GU1-GU3 to the consumer, confirmed at once; once the first is drafted
    /// (the others still on their way through review, dispatch, the agents and the ledger), the
    /// service is killed with SIGKILL and started again on its ports and data. Two more orders
    /// after the restart show it carries new trades too. Then every order must be committed, its
    /// contract on every data center once, with one version and five signatures, at the height
    /// the desk recorded; every draft committed.
    private func restartMidway(_ name: String, before: Int = 6, after: Int = 2, _ victim: (ContractRig) -> ServiceProcess) async throws {
        let rig = try await ContractRig()
        let agents = Agents()
        try await stopping({ await agents.stop(); await rig.stop() }) {
            let market = rig.desk.market
            let targets = rig.desk.agentTargets
            let units = ["GU1", "GU2", "GU3"]
            try agents.start("consumer", rig.consumer, targets: targets)
            for unit in units { try agents.start(unit, market.units[unit]!, targets: targets) }
            try agents.start("grid company", rig.gridCompany, targets: targets)

            var orders: [OrderID] = []
            for index in 0..<before { orders.append(try await rig.desk.confirmedOrder(units[index % 3], mwh: Double(100 + index)).id) }
            _ = try await rig.desk.trades([orders[0]], reach: .drafted, diagnostics: { agents.logs })
            let inFlight = await rig.desk.stages(orders)
            let service = victim(rig)
            await service.stop(signal: SIGKILL)
            try service.start()
            try await service.waitHealthy()
            // Where the trades were when it died: a run where all were already committed says little.
            print("\(name) killed with the trades at \(inFlight.map { $0?.rawValue ?? "-" })")
            #expect(inFlight.contains { $0 != .committed }, "every trade was committed before \(name) was killed")

            // A restarted matching (or one whose registry restarted) may answer 14 for a moment.
            for index in 0..<after { orders.append(try await rig.desk.confirmedOrderRetrying(units[index % 3], mwh: Double(200 + index)).id) }
            let done = try await rig.desk.trades(orders, reach: .committed) {
                agents.logs + "\n--- \(name) ---\n" + service.logText.split(separator: "\n").suffix(30).joined(separator: "\n")
            }

            var heights: [String: UInt64] = [:]
            for id in orders {
                let trade = try #require(done[id])
                let contractId = "ct-\(id)"
                #expect(trade.contractId == contractId && trade.failure == nil)
                let height = try #require(trade.height, "\(id) committed with no height")
                heights[contractId] = height
                let draft = try await rig.desk.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: contractId))
                #expect(draft.status == .committed && draft.height == height && draft.awaiting.isEmpty, "\(contractId): \(draft.status)")
            }
            let committed = try await rig.desk.reviewClient.call(ReviewAPI.listDrafts, DraftListQuery(status: .committed))
            #expect(committed.drafts.count == orders.count)
            let failed = try await rig.desk.reviewClient.call(ReviewAPI.listTrades, TradeListQuery(failed: true))
            #expect(failed.trades.isEmpty, "\(failed.trades.map { "\($0.orderId) at \($0.stage.rawValue): \($0.failure ?? "")" })")
            for (index, dataCenter) in try await rig.recorded(Set(heights.keys)).enumerated() {
                #expect(dataCenter.count == orders.count, "data center \(index + 1) holds \(dataCenter.keys.sorted()), expected \(heights.keys.sorted())")
                for (contractId, height) in heights {
                    let copies = dataCenter[contractId] ?? []
                    #expect(copies.count == 1, "data center \(index + 1) lists \(contractId) \(copies.count) times")
                    #expect(copies.first?.versions == 1 && copies.first?.signatures == 5 && copies.first?.height == height, "data center \(index + 1), \(contractId)")
                }
            }
        }
    }
}
