import ArgumentParser
import ConsensusSimulator
import Foundation

/// `gridtrade sim`: the consensus simulator on chosen seeds, the same runs the tests make.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the seeded PBFT fault simulator and check safety, agreement, certificates, client answers and liveness.",
        discussion: """
            Each seed picks its faults (Byzantine data centers that equivocate, send garbage, stay silent, \
            lag, replay stale or forged view changes and new-views, or split a new-view; crashes and \
            restarts; partitions; data centers admitted and removed; clock skew; drops, duplicates \
            and delays) exactly as ConsensusTests does, so a failing test seed is replayed here. Exit \
            status 1 names the violated property (safety, order, certificate, agreement, \
            acknowledgement, liveness). --mix prints how many of the seeds draw each fault class, \
            without running them.
            """
    )

    @Option(help: "First seed.")
    var seed: UInt64

    @Option(name: .customLong("data-centers"), help: "Data centers: 4 or 7.")
    var nodes: Int = 4

    @Option(help: "How many consecutive seeds to run from --seed.")
    var seeds: UInt64 = 1

    @Flag(help: "Print one JSON report per seed.")
    var json = false

    @Flag(help: "TEST ONLY: quorums of 2f and an equivocating primary, to show the checker catching a broken protocol.")
    var brokenQuorum = false

    @Flag(help: "The membership-binding schedule: a data center replays the founders' view changes after a membership change.")
    var staleMembership = false

    @Flag(help: "TEST ONLY, with --stale-membership: cores that sign messages without their membership, to show the checker catching the replay.")
    var unbound = false

    @Flag(help: "Print the fault mix of the seeds (how many draw each fault class) instead of running them.")
    var mix = false

    func validate() throws {
        guard nodes == 4 || nodes == 7 else { throw ValidationError("--data-centers must be 4 or 7") }
        guard !unbound || staleMembership else { throw ValidationError("--unbound goes with --stale-membership") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
    }

    func run() throws {
        if mix {
            let counts = Scenario.faultMix(seeds: seed..<(seed + seeds), nodes: nodes)
            print("\(seeds) seeds from \(seed), \(nodes) data centers: seeds drawing each fault class")
            for (fault, count) in counts.sorted(by: { $0.key < $1.key }) { print("  \(count)\t\(fault)") }
            return
        }
        var failed: [SimulationReport] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for seed in seed..<(seed + seeds) {
            let report = if brokenQuorum {
                Simulator.run(Scenario.brokenQuorum(seed: seed, nodes: nodes))
            } else if staleMembership {
                Simulator.run(Scenario.staleMembership(seed: seed, unbound: unbound))
            } else {
                Simulator.run(seed: seed, nodes: nodes)
            }
            if json {
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                let verdict = report.passed ? "ok" : "FAILED " + report.violations.map(\.description).joined(separator: "; ")
                let attacks = report.adversaryActions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                let stranded = report.stranded.isEmpty ? "" : " (stranded: " + report.stranded.map { "dc\($0)" }.joined(separator: ",") + ")"
                print("seed \(seed): \(verdict) | heights \(report.heights.map(String.init).joined(separator: ",")), view \(report.highestView), "
                    + "\(report.memberships) membership(s)\(stranded), \(report.transactionsSubmitted) tx, "
                    + "\(report.messagesSent) msgs (\(report.messagesDropped) dropped), \(report.virtualTime) ms | \(report.scenario)"
                    + (attacks.isEmpty ? "" : " | \(attacks)"))
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
