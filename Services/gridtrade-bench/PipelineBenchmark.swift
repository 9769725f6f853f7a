import ArgumentParser
import ClusterControl
import Foundation

/// `gridtrade-bench pipeline`: the whole trade pipeline (`gridtrade load`) beside the ledger alone
/// committing the same five-signature contracts (`gridtrade-bench contracts`), in one run on the
/// same machine, each on a fresh cluster of the same size. The goal: the pipeline carries at
/// least half of what the ledger alone commits, so the services around the ledger are not the
/// bottleneck.
struct PipelineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Trades/s through every service (gridtrade load) beside contracts/s of the ledger alone (contracts), same run."
    )

    @Option(help: "Trades for the pipeline.") var trades: Int = 2_000
    @Option(help: "Concurrent pipeline clients (each a generator and a consumer with agents).") var clients: Int = 64
    @Option(help: "Contracts for the ledger alone.") var contracts: Int = 3_000
    @Option(help: "Concurrent clients uploading to the ledger alone.") var ledgerClients: Int = 128
    @Option(help: "Data centers: 4 or 7.") var nodes: Int = 4
    @Option(help: "Directory of the executables (default: this program's own).") var binDir: String?
    @Flag(help: "Print JSON.") var json = false

    struct Pipeline: Decodable {
        var tradesPerSecond: Double
        var committed: Int
        var failed: Int
        var stages: [Stage]

        struct Stage: Decodable {
            var stage: String
            var p50Ms: Double
            var p99Ms: Double

            enum CodingKeys: String, CodingKey {
                case stage
                case p50Ms = "p50_ms"
                case p99Ms = "p99_ms"
            }
        }

        enum CodingKeys: String, CodingKey {
            case committed, failed, stages
            case tradesPerSecond = "trades_per_second"
        }
    }

    struct Ledger: Decodable {
        var committedPerSecond: Double
        var failed: Int

        enum CodingKeys: String, CodingKey {
            case failed
            case committedPerSecond = "committed_per_s"
        }
    }

    struct Result: Encodable {
        var nodes: Int
        var pipelineTradesPerSecond: Double
        var ledgerContractsPerSecond: Double
        var ratio: Double
        var goalMet: Bool

        enum CodingKeys: String, CodingKey {
            case nodes, ratio
            case pipelineTradesPerSecond = "pipeline_trades_per_s"
            case ledgerContractsPerSecond = "ledger_contracts_per_s"
            case goalMet = "goal_met"
        }
    }

    func run() async throws {
        let binaries = binDir ?? ProcessControl.ownDirectory()
        log("the pipeline: gridtrade load --trades \(trades) --clients \(clients) --nodes \(nodes)")
        let pipelineOutput = try runTool(
            binaries, "gridtrade", ["load", "--json", "--trades", "\(trades)", "--clients", "\(clients)", "--nodes", "\(nodes)", "--port-offset", "25000", "--bin-dir", binaries]
        )
        let pipeline = try JSONDecoder().decode(Pipeline.self, from: pipelineOutput)
        log("the ledger alone: gridtrade-bench contracts --contracts \(contracts) --clients \(ledgerClients) --nodes \(nodes)")
        let ledgerOutput = try runTool(
            binaries, "gridtrade-bench",
            ["contracts", "--json", "--contracts", "\(contracts)", "--clients", "\(ledgerClients)", "--nodes", "\(nodes)", "--port-offset", "23000", "--bin-dir", binaries]
        )
        guard let ledger = try JSONDecoder().decode([Ledger].self, from: ledgerOutput).first else { throw BenchFailure("gridtrade-bench contracts printed no result") }
        let ratio = pipeline.tradesPerSecond / max(ledger.committedPerSecond, 1e-9)
        let result = Result(
            nodes: nodes, pipelineTradesPerSecond: pipeline.tradesPerSecond, ledgerContractsPerSecond: ledger.committedPerSecond, ratio: ratio, goalMet: ratio >= 0.5
        )
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print("system                                         nodes     per second")
        print(String(format: "the whole pipeline (gridtrade load), trades      %5d %14.1f", nodes, pipeline.tradesPerSecond))
        print(String(format: "the ledger alone (contracts), contracts          %5d %14.1f", nodes, ledger.committedPerSecond))
        print(String(format: "pipeline / ledger: %.2f (goal: at least 0.50) %@", ratio, ratio >= 0.5 ? "met" : "NOT met"))
        // A baseline with refusals is not a baseline: the ratio then means nothing.
        if ledger.failed > 0 || pipeline.failed > 0 {
            print("NOT a valid comparison: \(ledger.failed) ledger contracts and \(pipeline.failed) pipeline trades failed")
        }
        print("pipeline stages (from the one before):")
        for stage in pipeline.stages {
            print("  " + stage.stage.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: " p50 %8.1f ms  p99 %8.1f ms", stage.p50Ms, stage.p99Ms))
        }
    }

    private func runTool(_ binaries: String, _ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries).appendingPathComponent(tool)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GRIDTRADE_") }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 || !data.isEmpty else { throw BenchFailure("\(tool) \(arguments.first ?? "") failed (status \(process.terminationStatus))") }
        return data
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data("bench pipeline: \(line)\n".utf8))
    }
}
