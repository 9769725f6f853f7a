import Bus
import Contracts
import Credentials
import Foundation
import Glibc
import LedgerKit
import LedgerRules
import Messages
import Testing

/// Where a member's agent reaches the pipeline: what `gridtrade agent` takes as flags.
struct AgentTargets: Sendable {
    var registry: String
    var review: String
    var reviewEvents: String
    var matching: String
    var dispatch: String

    var arguments: [String] {
        ["--registry", registry, "--review", review, "--review-events", reviewEvents, "--matching", matching, "--dispatch", dispatch]
    }
}

extension TradeDeskRig {
    /// The rig's own services, as a member's agent reaches them.
    var agentTargets: AgentTargets {
        AgentTargets(
            registry: market.registry.process.rpcEndpoint, review: review.rpcEndpoint, reviewEvents: review.eventsEndpoint,
            matching: market.matching.rpcEndpoint, dispatch: dispatch.rpcEndpoint
        )
    }
}

/// One `gridtrade agent` process: the member's key and certificate written as PEM files, as a
/// member keeps them, and everything it prints kept in a log file.
final class AgentProcess: @unchecked Sendable {
    let name: String
    let log: URL
    private let process = Process()

    init(_ name: String, _ signer: MemberSigner, targets: AgentTargets, autoSign: Bool = true) throws {
        self.name = name
        let directory = try temporaryDirectory("agent-\(name)")
        let key = directory.appendingPathComponent("key.pem"), cert = directory.appendingPathComponent("cert.pem")
        try MemberKey.write(privateKey: signer.privateKey, to: key.path)
        try Data(try CertificatePEM.encode(try #require(signer.certificate)).utf8).write(to: cert)
        log = directory.appendingPathComponent("agent.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process.executableURL = binDirectory.appendingPathComponent("gridtrade")
        // A short sweep: a draft whose event was lost (a restarted review) is found within half a second.
        process.arguments = ["agent", "--key", key.path, "--cert", cert.path, "--sweep-ms", "500"] + targets.arguments + (autoSign ? ["--auto-sign"] : [])
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    /// SIGTERM (the agent's graceful stop), then SIGKILL after 10 s.
    func stop() async {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// The agents of a test, stopped together; their logs go into a failure's message.
final class Agents: @unchecked Sendable {
    private(set) var all: [AgentProcess] = []

    func start(_ name: String, _ signer: MemberSigner, targets: AgentTargets, autoSign: Bool = true) throws {
        all.append(try AgentProcess(name, signer, targets: targets, autoSign: autoSign))
    }

    /// The tail of every agent's log, for a failure's message.
    var logs: String {
        all.map { "--- agent \($0.name)\($0.isRunning ? "" : " (exited)") ---\n\($0.logText.split(separator: "\n").suffix(15).joined(separator: "\n"))" }
            .joined(separator: "\n")
    }

    func stop() async {
        for agent in all { await agent.stop() }
    }
}

extension TradeDeskRig {
    /// Waits until every order has reached `stage`, for as long as the trades make progress: it
    /// fails only when no order has moved on for `stall` (a loaded CI machine is slow, a stuck
    /// pipeline is still caught), or when one fails.
    @discardableResult
    func trades(_ orders: [OrderID], reach stage: TradeStage, stall: Duration = .seconds(90), diagnostics: () -> String = { "" }) async throws -> [OrderID: TradeProgress] {
        var lastMove = ContinuousClock.now
        var best = -1
        while true {
            var progress: [OrderID: TradeProgress] = [:]
            for id in orders {
                if let trade = try? await reviewClient.call(ReviewAPI.getTrade, TradeQuery(orderId: id), deadline: .seconds(5)) { progress[id] = trade }
            }
            if let failed = progress.values.first(where: { $0.failure != nil }) {
                Issue.record("\(failed.orderId) failed at \(failed.stage.rawValue): \(failed.failure ?? "")\n\(diagnostics())")
                throw CancellationError()
            }
            if orders.allSatisfy({ (progress[$0]?.stage).map { $0 >= stage } ?? false }) { return progress }
            // Progress: the sum of every order's stage (an order the desk has not seen yet counts -1).
            let score = orders.reduce(0) { sum, id in sum + ((progress[id]?.stage).flatMap { TradeStage.allCases.firstIndex(of: $0) } ?? -1) }
            if score > best {
                best = score
                lastMove = .now
            }
            guard lastMove.duration(to: .now) < stall else {
                let stages = orders.map { "\($0): \(progress[$0]?.stage.rawValue ?? "not at the desk")" }.joined(separator: ", ")
                Issue.record("no trade moved on for \(stall) waiting until every one is \(stage.rawValue): \(stages)\n\(diagnostics())")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// `confirmedOrder`, for a cluster where a service has just restarted: a restarted matching
    /// says SERVING before it has reached the registry's CA again, and until then answers 14
    /// (`this service has not reached the registry yet; try again`) before taking any effect, as
    /// it does while the registry itself is away; so each step is tried again on 14 (60 s).
    func confirmedOrderRetrying(_ unit: String, mwh: Double, price: Decimal = 14) async throws -> TradeOrder {
        let seller = market.units[unit]!
        let request = CreateOrderRequest(seller: seller.member, buyer: market.consumer.member, price: price, monthlySplit: [.init(month: month, mwh: mwh)])
        let order = try await retryingUnavailable { try await market.client.call(MatchingAPI.createOrder, request, signer: market.consumer) }
        return try await retryingUnavailable { try await market.client.call(MatchingAPI.confirmOrder, OrderDecision(orderId: order.id), signer: seller) }
    }

    /// Where each order is now (nil: not at the desk yet).
    func stages(_ orders: [OrderID]) async -> [TradeStage?] {
        var stages: [TradeStage?] = []
        for id in orders { stages.append((try? await reviewClient.call(ReviewAPI.getTrade, TradeQuery(orderId: id)))?.stage) }
        return stages
    }

    /// The paper's round (SPEC.md Table 2: 160 MWh, GU1-GU3 offer), opened by the consumer and
    /// cleared by matching at its deadline.
    func paperRound() async throws -> Round {
        let round = try await market.client.call(
            MatchingAPI.openRound, OpenRoundRequest(month: month, durationMs: 8_000, demandMwh: 160, maxPrice: 20), signer: market.consumer
        )
        for name in ["GU1", "GU2", "GU3"] { _ = try await market.offer(name, round: round.id) }
        var cleared = try await market.client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
        // The round closes at its deadline (8 s); the exact game may take a while longer on a loaded machine.
        let deadline = ContinuousClock.now + .seconds(90)
        while cleared.status == .open, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            cleared = try await market.client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
        }
        #expect(cleared.status == .cleared, "\(cleared.reason ?? "still open")")
        return cleared
    }
}

extension ContractRig {
    /// Waits until every data center has recorded each of `contracts`; returns, per data center,
    /// how many times each contract id appears in its `Ledger/ListContracts` and its record.
    func recorded(_ contracts: Set<String>) async throws -> [[String: [ContractRecordSummary]]] {
        var listed: [[String: [ContractRecordSummary]]] = []
        try await ledger.eventuallyWhileProgressing("every data center has recorded \(contracts.count) contracts") {
            listed = []
            for client in ledger.clients {
                guard let all = await allContracts(client) else { return false }
                listed.append(Dictionary(grouping: all.map(ContractRecordSummary.init), by: \.contractId))
            }
            return listed.allSatisfy { contracts.isSubset(of: Set($0.keys)) }
        }
        return listed
    }

    /// Every contract a data center lists, page by page (nil if it does not answer).
    private func allContracts(_ client: RPCClient) async -> [ContractRecord]? {
        var records: [ContractRecord] = []
        var from: UInt64 = 0
        while true {
            guard let page = try? await client.call(LedgerAPI.listContracts, ContractListQuery(fromHeight: from, limit: 1_000), deadline: .seconds(5)) else { return nil }
            records += page.contracts
            guard let next = page.nextFromHeight else { return records }
            from = next
        }
    }
}

/// What a test compares of a recorded contract.
struct ContractRecordSummary: Sendable {
    let contractId: String
    let height: UInt64
    let versions: Int
    let signatures: Int

    init(_ record: ContractRecord) {
        contractId = record.contractId
        height = record.height
        versions = record.versions.count
        signatures = record.contract.signatures.count
    }
}

/// Calls again while the answer is 14 (the service is not ready yet), up to `timeout`.
func retryingUnavailable<T>(timeout: Duration = .seconds(60), _ call: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        do {
            return try await call()
        } catch let error as RPCError where error.code == .unavailable && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// The code and message a call fails with (nil if it succeeds).
func refusal<Response>(_ call: () async throws -> Response) async -> (code: Int, message: String)? {
    do {
        _ = try await call()
        return nil
    } catch let error as RPCError {
        return (error.code.rawValue, error.message)
    } catch {
        return (-1, "\(error)")
    }
}
