import ArgumentParser
import ConsensusSimulator
import Foundation

/// `gridtrade sim`: the consensus simulator on chosen seeds, the same runs the tests make.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the seeded PBFT fault simulator and check safety, certificates and liveness.",
        discussion: """
            Each seed picks its faults (Byzantine nodes that equivocate, send garbage, stay silent or \
            lag; crashes and restarts; partitions; drops, duplicates and delays) exactly as \
            ConsensusTests does, so a failing test seed is replayed here. Exit status 1 names the \
            violated property (safety, order, certificate, liveness).
            """
    )

    @Option(help: "First seed.")
    var seed: UInt64

    @Option(help: "Data centers: 4 or 7.")
    var nodes: Int = 4

    @Option(help: "How many consecutive seeds to run from --seed.")
    var seeds: UInt64 = 1

    @Flag(help: "Print one JSON report per seed.")
    var json = false

    @Flag(help: "TEST ONLY: quorums of 2f and an equivocating primary, to show the checker catching a broken protocol.")
    var brokenQuorum = false

    func validate() throws {
        guard nodes == 4 || nodes == 7 else { throw ValidationError("--nodes must be 4 or 7") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
    }

    func run() throws {
        var failed: [SimulationReport] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for seed in seed..<(seed + seeds) {
            let report = brokenQuorum ? Simulator.run(Scenario.brokenQuorum(seed: seed, nodes: nodes)) : Simulator.run(seed: seed, nodes: nodes)
            if json {
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                let verdict = report.passed ? "ok" : "FAILED " + report.violations.map(\.description).joined(separator: "; ")
                print("seed \(seed): \(verdict) | heights \(report.heights.map(String.init).joined(separator: ",")), view \(report.highestView), "
                    + "\(report.transactionsSubmitted) tx, \(report.messagesSent) msgs (\(report.messagesDropped) dropped), \(report.virtualTime) ms | \(report.scenario)")
            }
            if !report.passed {
                failed.append(report)
                if !json { for state in report.finalStates { print("  " + state) } }
            }
        }
        guard failed.isEmpty else {
            let properties = Set(failed.flatMap { $0.violations.map(\.property.rawValue) }).sorted()
            FileHandle.standardError.write(Data("sim: \(properties.joined(separator: ", ")) violated on seed(s) \(failed.map { String($0.seed) }.joined(separator: ", "))\n".utf8))
            throw ExitCode(1)
        }
    }
}
