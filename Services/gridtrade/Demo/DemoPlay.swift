import Bus
import Foundation
import Messages
import ServiceLifecycle
import Synchronization

/// The scenario from the publication of plans and demand to the verified proof, run as a
/// `Service` beside the parties' agents in the demo's `ServiceGroup`: when it returns, the group
/// shuts down gracefully (the agents stop); SIGINT or SIGTERM cancels it.
struct DemoPlay: Service {
    let cluster: DemoCluster
    let scenario: DemoCase
    let parties: DemoParties
    let month: DeliveryMonth
    let roundDuration: Duration
    let wait: DemoWait
    let account: DemoAccount
    /// The report, once the run got that far.
    let result = Result()

    final class Result: Sendable {
        private let value = Mutex<DemoReport?>(nil)
        var report: DemoReport? { value.withLock { $0 } }
        func set(_ report: DemoReport) { value.withLock { $0 = report } }
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await play() }
    }

    private func play() async throws {
        let registry = try RPCClient(endpoint: cluster.registry)
        let matching = try RPCClient(endpoint: cluster.matching)
        let review = try RPCClient(endpoint: cluster.review.rpc)
        let dispatch = try RPCClient(endpoint: cluster.dispatch)
        defer {
            for client in [registry, matching, review, dispatch] { client.close() }
        }
        let market = DemoRound(
            scenario: scenario, parties: parties, registry: registry, matching: matching, month: month, duration: roundDuration, wait: wait, account: account
        )
        try await market.publish()
        let opened = try await market.open()
        let cleared = try await market.clearing(opened.id)

        let pipeline = DemoPipeline(parties: parties, review: review, dispatch: dispatch, networkCase: cluster.dispatchCase, wait: wait, account: account)
        let committed = try await pipeline.follow(cleared.outcome.orderIds)

        let ledger = DemoLedgerCheck(cluster: cluster, wait: wait, account: account)
        try await ledger.onEveryDataCenter(committed)
        let proof = try await ledger.proof(committed)
        account.stage("settlement", "not yet: metering, the settlement run and the statements arrive with the settlement service")

        result.set(DemoReport(
            clearingPrice: cleared.outcome.clearingPrice,
            shapley: cleared.shapley,
            contracts: [DemoReport.Contract(
                id: committed.contractId, height: committed.height,
                parties: committed.parties.map { .init(member: $0.member, role: $0.role.rawValue, name: parties.name(of: $0.member)) }
            )],
            blockHeight: proof.height,
            proofVerified: proof.verified
        ))
    }
}
