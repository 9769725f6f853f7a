import Bus
import Credentials
import Foundation
import Messages

/// Who trades in a load run: `clients` pairs of a generator and a consumer with new keys (each
/// client trades between its own pair, so no two clients contend for one plan), a grid company,
/// and the cluster's trading center, data centers and dispatch center, admitted as the demo does.
struct LoadParties: Sendable {
    struct Pair: Sendable {
        var generator: MemberSigner
        var consumer: MemberSigner
    }

    var pairs: [Pair]
    var gridCompany: MemberSigner

    /// Every member that signs contracts through an agent.
    var agentSigners: [(name: String, signer: MemberSigner)] {
        pairs.enumerated().flatMap { index, pair in [("generator-\(index)", pair.generator), ("consumer-\(index)", pair.consumer)] }
            + [("grid company", gridCompany)]
    }

    /// Buses of case30 the N-1 security check accepts small trades between (from others, case30's
    /// overloads before any trade refuse even a small one: docs/protocol.md, "Dispatch").
    static let generatorBuses = [1, 2]
    static let consumerBuses = [4]

    static func admit(_ clients: Int, month: DeliveryMonth, mwhPerClient: Double, admission: DemoAdmission, registry: RPCClient, wait: DemoWait) async throws -> LoadParties {
        let tradingCenter = try await admission.tradingCenterSigner()
        _ = try await admission.admitDataCenters(approver: tradingCenter)
        _ = try await admission.admitDispatchCenter(approver: tradingCenter)
        let keys = try admission.keyDirectory()
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let grid = try await admission.admitNew(
            "grid-company", RegisterRequest(role: .gridCompany, legalName: "Load Grid Co \(run)", licence: "LOAD-GRID-\(run)", contact: "ops"),
            approver: tradingCenter, keys: keys
        )
        // A plan with room for every trade of the client: its MWh over the month's hours, and some.
        let planMw = max(1, mwhPerClient / month.hours * 2)
        var pairs: [Pair] = []
        for index in 0..<clients {
            let generator = try await admission.admitNew(
                "generator-\(index)",
                RegisterRequest(
                    role: .generator, legalName: "Load plant \(index) \(run)", licence: "LOAD-GEN-\(index)-\(run)", contact: "ops",
                    generator: GeneratorDetails(bus: generatorBuses[index % generatorBuses.count], pmin: 0, pmax: planMw * 2, a: 0.01, b: 8, c: 0, k: 1.2)
                ),
                approver: tradingCenter, keys: keys
            )
            let consumer = try await admission.admitNew(
                "consumer-\(index)",
                RegisterRequest(
                    role: .consumer, legalName: "Load mill \(index) \(run)", licence: "LOAD-CON-\(index)-\(run)", contact: "ops",
                    consumer: ConsumerDetails(bus: consumerBuses[index % consumerBuses.count], maxDemandMw: planMw * 2)
                ),
                approver: tradingCenter, keys: keys
            )
            let plan = PublishPlanRequest(month: month, minMw: 0, maxMw: planMw, a: 0.01, b: 8, c: 0, k: 1.2)
            _ = try await wait.call("admission", "generator-\(index)'s plan") {
                try await registry.call(RegistryAPI.publishPlan, plan, deadline: .seconds(30), signer: generator)
            }
            pairs.append(Pair(generator: generator, consumer: consumer))
        }
        return LoadParties(pairs: pairs, gridCompany: grid)
    }
}
