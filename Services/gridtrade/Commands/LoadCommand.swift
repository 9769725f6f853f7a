import ArgumentParser
import Bus
import ClusterControl
import Foundation
import Logging
import Messages
import ServiceLifecycle

/// `gridtrade load`: bilateral trades through every service, from order creation to a committed
/// contract, signed by the parties' agents, on a cluster of its own; trades per second and each
/// stage's latency.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Bilateral trades from creation to committed contract through every service, signed by agents; trades/s and p50/p99 per stage.",
        discussion: """
            Starts a cluster of its own with `gridtrade up --data-centers N` in a scratch home on --port-offset (stopped \
            afterwards), admits the data centers and the dispatch center, a grid company and one generator and one consumer \
            per client, with new keys, and runs an agent with auto-sign for each of them here. Each client then trades in a \
            closed loop: its consumer creates an order of --mwh MWh next month at 14 $/MWh, its generator confirms it, and \
            the client waits until the trading center's desk reports it committed (or failed) before the next. Stage times \
            are the desk's (`TradeStageChanged`); a stage's latency is from the stage before it. A progress bar is drawn on a \
            terminal. `gridtrade-bench pipeline` runs this beside the ledger's own contract benchmark.
            """
    )

    @Option(help: "Trades to commit.") var trades: Int = 1_000
    @Option(help: "Concurrent clients, each with its own generator and consumer.") var clients: Int = 16
    @Option(help: "Data centers: 4 or 7.") var nodes: Int = 4
    @Option(help: "MWh of each trade.") var mwh: Double = 1
    @Option(help: "Port offset for the load's cluster.") var portOffset: Int = 25_000
    @Option(help: "Directory of the service executables (default: this program's own).") var binDir: String?
    @Option(help: "Fail when a trade makes no progress for this many seconds.") var stallSeconds: Int = 180
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(help: "Log the agents' work on stderr.") var verbose = false

    func validate() throws {
        guard trades > 0, clients > 0, trades >= clients else { throw ValidationError("--trades must be at least --clients, both positive") }
        guard [4, 7].contains(nodes) else { throw ValidationError("--nodes must be 4 or 7") }
        guard mwh > 0 else { throw ValidationError("--mwh must be positive") }
    }

    func run() async throws {
        let binaries = binDir ?? ProcessControl.ownDirectory()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("gridtrade-load-\(getpid())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var finished = false
        // Stopped first, then (after a run without failures) its home removed: `down` needs the home's state file.
        defer {
            _ = try? runSelf(binaries, ["down", "--home", home.path])
            if finished { try? FileManager.default.removeItem(at: home) }
        }
        note("starting \(nodes) data centers and the services in \(home.path)")
        guard try runSelf(binaries, ["up", "--home", home.path, "--data-centers", "\(nodes)", "--port-offset", "\(portOffset)", "--bin-dir", binaries]) == 0 else {
            throw Failure("gridtrade up failed; logs in \(home.path)/logs")
        }
        let cluster = try DemoCluster.load(ClusterHome(home.path))
        guard let month = DeliveryMonth(containing: Date()).next else { throw Failure("no delivery month after this one") }
        let wait = DemoWait(stall: .seconds(stallSeconds))
        let registry = try RPCClient(endpoint: cluster.registry)
        defer { registry.close() }
        note("admitting \(clients) generators and \(clients) consumers")
        let admission = DemoAdmission(cluster: cluster, scenario: .paper, registry: registry, wait: wait, account: DemoAccount(quiet: true))
        let perClient = Double(trades / clients + 1) * mwh
        let parties = try await LoadParties.admit(clients, month: month, mwhPerClient: perClient, admission: admission, registry: registry, wait: wait)

        var logger = Logger(label: "gridtrade.load") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .info : .warning
        let endpoints = AgentEndpoints(registry: cluster.registry, review: cluster.review, matching: cluster.matching, dispatch: cluster.dispatch)
        let agents = parties.agentSigners.map { party in
            ServiceGroupConfiguration.ServiceConfiguration(
                service: MemberAgent(signer: party.signer, endpoints: endpoints, autoSign: true, logger: logger, sweepEvery: .seconds(1)),
                serviceName: "agent \(party.name)"
            )
        }
        let driver = LoadDriver(
            parties: parties, trades: trades, mwh: mwh, month: month, matching: cluster.matching, review: cluster.review, stall: .seconds(stallSeconds),
            progress: isatty(STDERR_FILENO) != 0
        )
        note("\(trades) trades, \(clients) clients")
        let group = ServiceGroup(configuration: .init(
            services: agents + [.init(service: driver, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "load")],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        guard var report = driver.result.report else { throw Failure("the load stopped before it finished; logs in \(home.path)/logs") }
        report.nodes = nodes
        finished = report.failed == 0
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        if report.failed > 0 { throw ExitCode(1) }
    }

    private func note(_ line: String) {
        FileHandle.standardError.write(Data("load: \(line)\n".utf8))
    }

    private func runSelf(_ binaries: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries).appendingPathComponent("gridtrade")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GRIDTRADE_") }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
