import ArgumentParser
import Bus
import Foundation
import Logging
import Messages
import ServiceLifecycle

/// `gridtrade demo`: the paper's scenario played from nothing on a cluster `gridtrade up` started,
/// every stage done by the services themselves and the parties' agents; the demo admits, publishes,
/// opens the round, offers, then only watches and checks.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play the paper's round on the running cluster, from admission to a contract committed on every data center.",
        discussion: """
            Against the cluster of --home (what `gridtrade up` started; its state file names every endpoint and key file). With \
            new keys on every run, so it runs again on the same cluster: admits the data centers and the dispatch center if they \
            are pending, a grid company, a consumer and GU1–GU3; publishes their plans and the 160 MWh demand (at most 20 $/MWh) \
            for next month (UTC); the consumer opens a round and the generators offer; the round clears (14.16 $/MWh; Shapley \
            253.91, 211.49, 233.99); review, the security check on case30, the desk's draft of one coalition contract, the seven \
            parties' signatures (the consumer, generators and grid company through agents run here with auto-sign, the trading \
            center as it drafts, the dispatch center through its service), the commit; then the contract on every data center and \
            its Merkle proof against the data centers' keys from the registry.
            The parties' keys and certificates are kept in HOME/demo/<time>/ (HOME/demo/latest).
            --json prints {"clearing_price", "shapley": {"GU1", "GU2", "GU3"}, "contracts": [{"id", "height", "parties"}], \
            "block_height", "proof_verified", "settlement": null}. --case FILE plays another round: `gridtrade game`'s input, with \
            optional "max_price", "consumer": {"bus", "max_demand_mw"} and each generator's "bus".
            Exit status 0 when the contract is committed everywhere and its proof verifies; 1 otherwise, naming the stage that \
            failed or stalled and the last state seen.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @Flag(help: "Print only the result, as JSON.") var json = false
    @Option(name: .customLong("case"), help: "The scenario (default: the paper's, ../shared/scenarios/paper.json with buses).") var caseFile: String?
    @Option(help: "How long the round takes offers, in seconds.") var roundSeconds: Int = 10
    @Option(help: "Fail a stage after this many seconds without progress.") var stallSeconds: Int = 180
    @Flag(help: "Log the agents' work on stderr.") var verbose = false

    func validate() throws {
        guard roundSeconds >= 2 else { throw ValidationError("--round-seconds must be at least 2 (three signed offers must arrive before the deadline)") }
        guard stallSeconds >= 10 else { throw ValidationError("--stall-seconds must be at least 10") }
    }

    func run() async throws {
        let scenario = try caseFile.map(DemoCase.load) ?? .paper
        let cluster = try DemoCluster.load(self.cluster.clusterHome)
        guard let month = DeliveryMonth(containing: Date()).next else { throw Failure("no delivery month after this one") }
        let account = DemoAccount(quiet: json)
        let wait = DemoWait(stall: .seconds(stallSeconds))
        account.say("GridTrade demo: \(scenario.name)")
        account.say("cluster \(cluster.home) (registry \(cluster.registry), \(cluster.ledgers.count) data centers); delivery month \(month)")

        let registry = try RPCClient(endpoint: cluster.registry)
        let parties: DemoParties
        do {
            parties = try await DemoAdmission(cluster: cluster, scenario: scenario, registry: registry, wait: wait, account: account).admit()
        } catch {
            registry.close()
            throw error
        }
        registry.close()

        var logger = Logger(label: "gridtrade.demo") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .info : .warning
        let endpoints = AgentEndpoints(registry: cluster.registry, review: cluster.review, matching: cluster.matching, dispatch: cluster.dispatch)
        let agents = parties.agentSigners.map { party in
            var agentLogger = logger
            agentLogger[metadataKey: "agent"] = "\(party.name)"
            return ServiceGroupConfiguration.ServiceConfiguration(
                service: MemberAgent(signer: party.signer, endpoints: endpoints, autoSign: true, logger: agentLogger, sweepEvery: .seconds(1)),
                serviceName: "agent \(party.name)"
            )
        }
        let play = DemoPlay(
            cluster: cluster, scenario: scenario, parties: parties, month: month, roundDuration: .seconds(roundSeconds), wait: wait, account: account
        )
        // The scenario last: a graceful shutdown stops it first, then the agents.
        let group = ServiceGroup(configuration: .init(
            services: agents + [.init(service: play, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "demo")],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        let interrupted = { Failure(String(
            format: "interrupted after %.1f s; what the cluster already took goes on without the demo's agents (their drafts wait for signatures)", account.elapsed
        )) }
        do {
            try await group.run()
        } catch is CancellationError {
            throw interrupted()
        }
        guard let report = play.result.report else { throw interrupted() }

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            lookNext(report, cluster: cluster, parties: parties, account: account)
        }
        if !report.proofVerified { throw ExitCode(1) }
    }

    /// Where a newcomer looks next: the contract, its copy of the terms, the proof, the orders.
    private func lookNext(_ report: DemoReport, cluster: DemoCluster, parties: DemoParties, account: DemoAccount) {
        guard let contract = report.contracts.first else { return }
        let ledger = cluster.ledgers.first.map(\.rpc).flatMap { $0 == ServiceName.ledger.defaultEndpoints.rpc ? nil : " --ledger \($0)" } ?? ""
        let registry = cluster.registry == ServiceName.registry.defaultEndpoints.rpc ? "" : " --registry \(cluster.registry)"
        let matching = cluster.matching == ServiceName.matching.defaultEndpoints.rpc ? "" : " --matching \(cluster.matching)"
        account.say(String(format: "done in %.1f s. Look next:", account.elapsed))
        account.say("  gridtrade contract show \(contract.id)\(ledger)   # the public document and its \(contract.parties.count) signers")
        account.say("  gridtrade contract show \(contract.id)\(ledger) --key \(parties.keyDirectory)/consumer.pem   # the consumer's copy of the terms")
        account.say("  gridtrade ledger proof \(contract.id)\(ledger)\(registry)   # the proof, checked again")
        account.say("  gridtrade order list --member \(parties.consumer.memberID)\(matching)   # the round's orders")
    }
}
