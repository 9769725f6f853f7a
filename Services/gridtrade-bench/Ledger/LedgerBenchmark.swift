import ArgumentParser
import ClusterControl
import Foundation
import Topology

/// `gridtrade-bench ledger`: committed transactions per second and commit latency of ledger
/// clusters started by `gridtrade up` (4 and 7 data centers), beside a 4-member etcd cluster
/// taking the same load, and the machine's signature-verification bound, in one run.
struct LedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Ledger throughput and commit latency (4 and 7 data centers) against etcd and the machine's bound.",
        discussion: """
            Each cluster is started with `gridtrade up --data-centers N` in a home of its own (ports moved by
            --port-offset) and stopped afterwards. Each client is a member admitted at the cluster's registry and
            submits 300-byte notes with its certificate, signed with P-256, waiting for each commit (`Ledger/Submit` with wait); etcd takes 300-byte puts through its v3 JSON
            gateway from the same number of clients. --json prints one object per system:
            {"system", "nodes", "transactions", "committed_per_s", "latency_ms": {"p50", "p99"}, "failed"}.
            `gridtrade-bench ledger soak` is the memory soak (see its --help).
            """,
        subcommands: [SoakBench.self]
    )

    @Option(help: "Transactions (and etcd puts) per system.") var transactions: Int = 4_000
    @Option(help: "Concurrent clients.") var clients: Int = 64
    @Option(help: "Ledger cluster sizes to measure.") var nodes: [Int] = [4, 7]
    @Option(help: "The etcd executable (Debian's etcd-server); 'none' to skip.") var etcd: String = "/usr/bin/etcd"
    @Option(help: "Port offset for the benchmark clusters.") var portOffset: Int = 21_000
    @Option(help: "Directory of the service executables (default: this program's own).") var binDir: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard transactions > 0, clients > 0, transactions >= clients else { throw ValidationError("--transactions must be at least --clients, both positive") }
        let binaries = binDir ?? ProcessControl.ownDirectory()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gridtrade-bench-ledger-\(getpid())")
        var finished = false
        // Kept when something failed: the logs are what explains it.
        defer { if finished { try? FileManager.default.removeItem(at: scratch) } }
        var results: [LoadResult] = []
        for count in nodes {
            log("ledger: \(count) data centers, \(transactions) transactions, \(clients) clients")
            let home = scratch.appendingPathComponent("ledger-\(count)")
            defer { BenchCluster.down(binaries: binaries, home: home) }
            let endpoints = try await BenchCluster.up(binaries: binaries, home: home, nodes: count, portOffset: portOffset)
            // Only members write notes, each within its own limits: one member per client.
            let members = try await BenchMembers.admit(clients, home: home)
            let load = try LedgerLoad.transactions(transactions + 201, members: members)
            try await BenchMembers.waitForTrust(endpoint: endpoints[0], probe: load[transactions + 200])
            _ = try await LedgerLoad.run(endpoints: endpoints, transactions: Array(load.prefix(200)), clients: min(clients, 200))
            let outcome = try await LedgerLoad.run(endpoints: endpoints, transactions: Array(load[200..<(transactions + 200)]), clients: clients)
            results.append(LoadResult(system: "gridtrade ledger (PBFT)", nodes: count, outcome: outcome))
        }
        if etcd != "none" {
            log("etcd: 4 members, \(transactions) puts, \(clients) clients")
            let cluster = try EtcdCluster(executable: etcd, members: 4, basePort: 26_000, directory: scratch.appendingPathComponent("etcd"))
            defer { cluster.stop() }
            try await cluster.waitReady()
            _ = await EtcdLoad.run(urls: cluster.clientURLs, count: 200, clients: min(clients, 200))
            let outcome = await EtcdLoad.run(urls: cluster.clientURLs, count: transactions, clients: clients)
            results.append(LoadResult(system: EtcdCluster.version(etcd) + " (Raft)", nodes: 4, outcome: outcome))
        }
        let verifications = SignatureBound.verificationsPerSecond()
        for index in results.indices where results[index].system.hasPrefix("gridtrade") {
            results[index].machineBoundPerSecond = verifications / Double(results[index].nodes)
        }
        finished = true
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
            return
        }
        print("system                       nodes  committed/s   p50 ms   p99 ms  failed")
        for result in results {
            print(result.system.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: " %5d %12.0f %8.1f %8.1f %7d", result.nodes, result.committedPerSecond, result.latencyMs.p50, result.latencyMs.p99, result.failed))
        }
        print(String(format: "machine: %.0f P-256 verifications/s on %d cores", verifications, ProcessInfo.processInfo.activeProcessorCount))
        for result in results where result.system.hasPrefix("gridtrade") {
            let bound = verifications / Double(result.nodes)
            print(String(format: "bound with %d data centers (1 signature x %d replicas): %.0f tx/s; measured %.0f%% of it", result.nodes, result.nodes, bound, 100 * result.committedPerSecond / bound))
        }
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data("bench ledger: \(line)\n".utf8))
    }
}

/// A cluster for one measurement: `gridtrade up` in its own home, `gridtrade down` after.
enum BenchCluster {
    static func up(binaries: String, home: URL, nodes: Int, portOffset: Int) async throws -> [String] {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let status = try runSelf(binaries, ["up", "--home", home.path, "--data-centers", "\(nodes)", "--port-offset", "\(portOffset)", "--bin-dir", binaries])
        guard status == 0 else { throw BenchFailure("gridtrade up for the benchmark failed (status \(status)); logs in \(home.path)/logs") }
        let state = try ClusterHome(home.path).loadState()
        return (state?.processes ?? []).filter { $0.spec.executable == "ledger" }
            .sorted { LocalPlan.orderedNames($0.spec.name, $1.spec.name) }
            .map(\.spec.rpcEndpoint)
    }

    static func down(binaries: String, home: URL) {
        _ = try? runSelf(binaries, ["down", "--home", home.path])
    }

    private static func runSelf(_ binaries: String, _ arguments: [String]) throws -> Int32 {
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
