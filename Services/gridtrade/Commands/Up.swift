import ArgumentParser
import ClusterControl
import Foundation
import Topology

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the cluster of compose.yaml as local processes on loopback; return once every service is healthy.",
        discussion: "Idempotent: services already running are left alone. `gridtrade down` stops what this started."
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(name: .customLong("file"), help: "The compose file (default: ./compose.yaml, else the nearest one above).")
    var composeFile: String?

    @Option(help: "Number of data centers, each one ledger process (default: compose.yaml's, four).")
    var dataCenters: Int?

    @Option(help: "Added to every port of compose.yaml, to run a second cluster beside the first.")
    var portOffset: Int?

    @Option(help: "Directory of the service executables (default: this program's own).")
    var binDir: String?

    @Option(help: "Seconds to wait for every service to answer Health/Check.")
    var timeout: Int = 60

    func run() async throws {
        if let dataCenters, dataCenters < 4 { throw ValidationError("--data-centers must be at least 4 (n = 3f + 1, f >= 1)") }
        let home = cluster.clusterHome
        let previous = try home.loadState()
        let running = previous?.processes.filter(\.isRunning) ?? []
        let offset = portOffset ?? previous?.portOffset ?? 0
        if let previous, !running.isEmpty, previous.portOffset != offset {
            throw Failure("a cluster with port offset \(previous.portOffset) is running from \(home.url.path); run `gridtrade down` first")
        }
        let composePath = try composeFile ?? previous.map(\.composeFile) ?? Self.findComposeFile()
        let plan = try LocalPlan.make(
            ComposeFile.load(URL(fileURLWithPath: composePath)),
            home: home.url,
            dataCenters: dataCenters,
            portOffset: offset,
            composeDirectory: URL(fileURLWithPath: composePath).standardizedFileURL.deletingLastPathComponent()
        )
        let binaries = binDir ?? ProcessInfo.processInfo.environment["GRIDTRADE_BIN_DIR"] ?? ProcessControl.ownDirectory()

        let nodeKeys = try LedgerKeys.ensure(plan)
        if nodeKeys > 0 { print("ledger: keys made for \(nodeKeys) data centers") }
        if let made = try TradingCenterKey.ensure(plan) {
            print("trading center \(made.memberID): key pair made (private key \(made.privateKeyPath))")
        }

        var state = ClusterState(composeFile: URL(fileURLWithPath: composePath).standardizedFileURL.path, portOffset: offset, processes: running)
        try FileManager.default.createDirectory(at: home.url.appendingPathComponent("logs"), withIntermediateDirectories: true)
        var started: [StartedProcess] = []
        for spec in plan where !running.contains(where: { $0.spec.name == spec.name }) {
            let executable = URL(fileURLWithPath: binaries).appendingPathComponent(spec.executable).path
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw ValidationError("no executable \(executable); build with `swift build` or pass --bin-dir")
            }
            try FileManager.default.createDirectory(atPath: spec.dataDirectory, withIntermediateDirectories: true)
            // The caller's own GRIDTRADE_* settings must not leak into every service.
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GRIDTRADE_") }
            environment.merge(spec.environment) { $1 }
            environment["GRIDTRADE_DATA_DIR"] = spec.environment["GRIDTRADE_DATA_DIR"] ?? spec.dataDirectory
            let log = home.log(spec.name).path
            let pid = try ProcessControl.spawn(executable: executable, arguments: spec.arguments, environment: environment, log: log)
            // The kernel knows the process as soon as posix_spawn returns.
            let ticks = ProcessControl.startTicks(of: pid) ?? 0
            let process = StartedProcess(spec: spec, pid: pid, startTicks: ticks, log: log)
            started.append(process)
            state.processes.append(process)
            // Saved after every start, so `down` finds whatever did start even if a later one fails.
            try home.save(state)
        }
        for process in running {
            let planned = plan.contains { $0.name == process.spec.name }
            print("\(process.spec.name): already running (pid \(process.pid))\(planned ? "" : ", not in this plan; `gridtrade down` stops it")")
        }

        let deadline = ContinuousClock.now + .seconds(timeout)
        for process in state.processes {
            while !(await isServing(process.spec.rpcEndpoint, timeout: .milliseconds(500))) {
                ProcessControl.reap(process.pid)
                if !process.isRunning {
                    throw Failure("\(process.spec.name) exited during start-up; see \(process.log):\n\(Self.tail(process.log))")
                }
                if ContinuousClock.now >= deadline {
                    throw Failure("\(process.spec.name) did not answer Health/Check at \(process.spec.rpcEndpoint) within \(timeout) s; see \(process.log)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        for process in started { print("\(process.spec.name): started (pid \(process.pid)) at \(process.spec.rpcEndpoint)") }
        print("cluster healthy: \(state.processes.count) services; state in \(home.url.path)")
    }

    static func findComposeFile() throws -> String {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            let candidate = directory.appendingPathComponent("compose.yaml")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { throw ValidationError("no compose.yaml here or above; pass --file") }
            directory = parent
        }
    }

    static func tail(_ path: String, lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
