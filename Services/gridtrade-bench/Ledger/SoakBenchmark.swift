import ArgumentParser
import Bus
import ClusterControl
import Consensus
import Credentials
import Foundation
import LedgerKit
import Messages
import Synchronization
import Topology

/// `gridtrade-bench ledger soak`: commits many transactions on a cluster started by `gridtrade up`
/// and samples every data center's resident memory (VmRSS) as it goes, to show it stays flat
/// after a warm-up: what a data center keeps per transaction is bounded (a window of recent ids
/// in memory, the rest in its store). Not a timed test: a run of 200,000 takes a while. It takes
/// `gridtrade-bench ledger`'s options (`--transactions`, `--nodes`, `--clients`, `--port-offset`,
/// `--bin-dir`, `--json`), given before or after `soak`.
struct SoakBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Commit many transactions on a cluster and sample every data center's resident memory (VmRSS) over time.",
        discussion: """
            Takes the ledger benchmark's --transactions, --nodes (one value), --clients, --port-offset, --bin-dir and --json, \
            e.g. `gridtrade-bench ledger soak --transactions 200000 --nodes 4`. Starts the cluster with \
            `gridtrade up --data-centers N` in a home of its own, admits one member per client at its registry, and has each \
            client submit 300-byte notes (with its certificate) one at a time, waiting for each commit, until --transactions \
            are committed (a refused or failed submission is sent again). Every --every seconds it reads each data center's \
            VmRSS from /proc/PID/status, and its `ledger.memory.*` gauges (Metrics/Get: what each in-memory collection \
            holds). It prints the samples, then each data center's resident memory when --warm-up transactions had been \
            committed and at the end. With --pause-primary-every S, every S seconds it stops the primary's process \
            (SIGSTOP) for --pause-for seconds and continues it (SIGCONT): longer than the view-change timeout, so \
            each pause is a view change, and the figures cover view changes and peers that fall behind.
            """
    )

    @ParentCommand var ledger: LedgerBench
    @Option(help: "Seconds between memory samples.") var every: Int = 10
    @Option(help: "Transactions committed before the warm-up figure is taken (default: a tenth of --transactions).") var warmUp: Int?
    @Option(help: "Seconds between pauses of the primary data center (SIGSTOP, then SIGCONT after --pause-for); 0: never.") var pausePrimaryEvery: Int = 0
    @Option(help: "Seconds each pause of the primary lasts (longer than the view-change timeout, 2 s by default, forces a view change).") var pauseFor: Int = 5

    struct Sample: Encodable {
        /// Seconds since the load started.
        var seconds: Double
        var committed: Int
        /// VmRSS of each data center, KiB, in data-center order.
        var rssKiB: [Int]
        /// Each data center's `ledger.memory.*` gauges (without the prefix), in data-center order; empty when unreadable.
        var gauges: [[String: Double]] = []

        enum CodingKeys: String, CodingKey {
            case seconds, committed, gauges
            case rssKiB = "rss_kib"
        }
    }

    struct Report: Encodable {
        var dataCenters: [String]
        var transactions: Int
        var failedAttempts: Int
        var pauses: Int
        var seconds: Double
        var samples: [Sample]
        var afterWarmUp: Sample?
        var end: Sample?

        enum CodingKeys: String, CodingKey {
            case transactions, seconds, samples, end, pauses
            case dataCenters = "data_centers"
            case failedAttempts = "failed_attempts"
            case afterWarmUp = "after_warm_up"
        }
    }

    func run() async throws {
        let (transactions, clients, json) = (ledger.transactions, ledger.clients, ledger.json)
        guard ledger.nodes.count == 1, let nodes = ledger.nodes.first, nodes >= 4 else { throw ValidationError("give the soak one --nodes value, at least 4") }
        let warmUp = self.warmUp ?? transactions / 10
        guard transactions > 0, clients > 0, every > 0, warmUp >= 0, warmUp < transactions else {
            throw ValidationError("--transactions and --clients must be positive, --warm-up below --transactions")
        }
        guard pausePrimaryEvery >= 0, pauseFor > 0, pausePrimaryEvery == 0 || pausePrimaryEvery > pauseFor else {
            throw ValidationError("--pause-primary-every must be 0 or more than --pause-for, which must be positive")
        }
        let binaries = ledger.binDir ?? ProcessControl.ownDirectory()
        let portOffset = ledger.portOffset
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gridtrade-bench-soak-\(getpid())")
        let home = scratch.appendingPathComponent("cluster")
        var finished = false
        defer { if finished { try? FileManager.default.removeItem(at: scratch) } }
        defer { BenchCluster.down(binaries: binaries, home: home) }
        log("\(nodes) data centers, \(transactions) transactions, \(clients) clients")
        let endpoints = try await BenchCluster.up(binaries: binaries, home: home, nodes: nodes, portOffset: portOffset)
        let ledgers = (try ClusterHome(home.path).loadState()?.processes ?? [])
            .filter { $0.spec.executable == "ledger" }
            .sorted { LocalPlan.orderedNames($0.spec.name, $1.spec.name) }
        guard ledgers.count == nodes else { throw BenchFailure("the soak cluster runs \(ledgers.count) data centers, not \(nodes)") }
        let members = try await BenchMembers.admit(clients, home: home)
        let run = String(UUID().uuidString.prefix(8))
        try await BenchMembers.waitForTrust(endpoint: endpoints[0], probe: try BenchMembers.note("soak \(run) probe", bytes: 300, by: members[0]))

        let progress = SoakProgress(pids: ledgers.map(\.pid))
        let every = self.every
        let total = transactions
        let (pauseEvery, pauseFor) = (pausePrimaryEvery, pauseFor)
        let pids = ledgers.map(\.pid)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    try await Task.sleep(for: .seconds(every))
                    var taken = progress.sample()
                    taken.gauges = await Self.gauges(endpoints)
                    progress.keep(taken)
                    Self.log("\(taken.committed) committed after \(Int(taken.seconds)) s; VmRSS MiB \(taken.rssKiB.map { String($0 / 1_024) }.joined(separator: " "))")
                    Self.log("  " + Self.summary(taken.gauges))
                }
            }
            if pauseEvery > 0 {
                group.addTask {
                    while true {
                        try await Task.sleep(for: .seconds(pauseEvery))
                        try await Self.pausePrimary(endpoints: endpoints, pids: pids, for: .seconds(pauseFor))
                        progress.pauses.add(1, ordering: .relaxed)
                    }
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { loaders in
                for client in 0..<clients {
                    loaders.addTask {
                        let connection = try RPCClient(endpoint: endpoints[client % endpoints.count])
                        defer { connection.close() }
                        for index in stride(from: client, to: total, by: clients) {
                            let note = try BenchMembers.note("soak \(run) \(index)", bytes: 300, by: members[client])
                            var attempts = 0
                            while true {
                                attempts += 1
                                if let reply = try? await connection.call(LedgerAPI.submit, SubmitRequest(transaction: note, wait: true), deadline: .seconds(30)),
                                   reply.committed { break }
                                progress.failed.add(1, ordering: .relaxed)
                                guard attempts < 50 else { throw BenchFailure("transaction \(index) was not committed after \(attempts) attempts") }
                                try await Task.sleep(for: .milliseconds(100 * min(attempts, 20)))
                            }
                            progress.committed.add(1, ordering: .relaxed)
                        }
                    }
                }
                try await loaders.waitForAll()
            }
            group.cancelAll()
        }
        let end = progress.sample()
        let all = progress.samples.withLock { $0 } + [end]
        let report = Report(
            dataCenters: ledgers.map(\.spec.name), transactions: end.committed, failedAttempts: progress.failed.load(ordering: .relaxed),
            pauses: progress.pauses.load(ordering: .relaxed), seconds: end.seconds,
            samples: all, afterWarmUp: all.first { $0.committed >= warmUp }, end: end
        )
        finished = true
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("seconds  committed  " + report.dataCenters.map { "\($0) MiB".padding(toLength: 14, withPad: " ", startingAt: 0) }.joined())
        for sample in all {
            print(String(format: "%7.0f  %9d  ", sample.seconds, sample.committed) + sample.rssKiB.map { String(format: "%-14.1f", Double($0) / 1_024) }.joined())
        }
        print(String(format: "%d transactions committed in %.0f s (%.0f/s); %d submissions sent again; %d pauses of the primary", report.transactions, report.seconds, Double(report.transactions) / max(report.seconds, 1), report.failedAttempts, report.pauses))
        if let warm = report.afterWarmUp {
            for (index, name) in report.dataCenters.enumerated() {
                let before = Double(warm.rssKiB[index]) / 1_024, after = Double(end.rssKiB[index]) / 1_024
                let peak = Double(all.filter { $0.committed >= warmUp }.map { $0.rssKiB[index] }.max() ?? 0) / 1_024
                print(String(format: "%@: %.1f MiB after %d transactions (warm-up), %.1f MiB at the end (%+.1f), peak after warm-up %.1f MiB", name, before, warm.committed, after, after - before, peak))
            }
        }
    }

    /// Stops the current primary (by any data center's `Ledger/Status`) for `duration`, then continues it.
    /// A stopped process is always continued, even if the soak is cancelled meanwhile.
    static func pausePrimary(endpoints: [String], pids: [Int32], for duration: Duration) async throws {
        var primary: Int?
        for endpoint in endpoints {
            guard let client = try? RPCClient(endpoint: endpoint) else { continue }
            defer { client.close() }
            if let status = try? await client.call(LedgerAPI.status, Empty(), deadline: .seconds(2)), status.viewActive {
                primary = status.primary
                break
            }
        }
        guard let primary, pids.indices.contains(primary) else {
            log("no data center names an active primary; no pause this time")
            return
        }
        log("pausing the primary, data center \(primary + 1) (pid \(pids[primary])), for \(duration)")
        kill(pids[primary], SIGSTOP)
        try? await Task.sleep(for: duration)
        kill(pids[primary], SIGCONT)
    }

    /// Each data center's `ledger.memory.*` gauges, the prefix dropped.
    static func gauges(_ endpoints: [String]) async -> [[String: Double]] {
        var all: [[String: Double]] = []
        for endpoint in endpoints {
            guard let client = try? RPCClient(endpoint: endpoint) else { all.append([:]); continue }
            defer { client.close() }
            let values = (try? await client.call(MetricsAPI.get, Empty(), deadline: .seconds(2)).values) ?? [:]
            var memory: [String: Double] = [:]
            for (key, value) in values where key.hasPrefix("ledger.memory.") { memory[String(key.dropFirst("ledger.memory.".count))] = value }
            all.append(memory)
        }
        return all
    }

    /// The gauges that say most, one group per data center.
    static func summary(_ gauges: [[String: Double]]) -> String {
        let shown: [(String, String)] = [
            ("core.pending", "pend"), ("core.log_entries", "log"), ("core.log_messages", "msgs"), ("core.executed_transactions", "exec"),
            ("core.view_changes", "vc"), ("recent_locations", "loc"), ("events.kept_bytes", "evKiB"), ("links.worst_peer_in_flight_bytes_peak", "outPeakKiB"),
            ("links.timed_out", "tmo"), ("links.dropped", "drop"), ("mailbox_peak", "mboxPeak"), ("mailbox_dropped", "mboxDrop"),
        ]
        return gauges.enumerated().map { index, values in
            "dc\(index + 1)[" + shown.map { key, label in
                let value = values[key] ?? -1
                return "\(label) \(key.hasSuffix("bytes") ? Int(value / 1_024) : Int(value))"
            }.joined(separator: " ") + "]"
        }.joined(separator: " ")
    }

    /// VmRSS of a process, KiB, from /proc/PID/status (-1 when it cannot be read: the process is gone).
    static func residentKiB(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("bench soak: \(line)\n".utf8))
    }

    private func log(_ line: String) { Self.log(line) }
}

/// What the soak's clients and sampler share.
final class SoakProgress: Sendable {
    let committed = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let pauses = Atomic<Int>(0)
    let samples = Mutex<[SoakBench.Sample]>([])
    private let pids: [Int32]
    private let start = ContinuousClock.now

    init(pids: [Int32]) { self.pids = pids }

    func sample() -> SoakBench.Sample {
        SoakBench.Sample(
            seconds: (ContinuousClock.now - start).seconds, committed: committed.load(ordering: .relaxed),
            rssKiB: pids.map { SoakBench.residentKiB(of: $0) ?? -1 }
        )
    }

    func keep(_ sample: SoakBench.Sample) {
        samples.withLock { $0.append(sample) }
    }
}
