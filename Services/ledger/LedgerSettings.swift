import Configuration
import Consensus
import Foundation
import LedgerCore
import LedgerRules
import ServiceKit

/// A data center's own settings (docs/configuration.md, "The ledger's own settings").
struct LedgerSettings {
    /// 0-based position among the founding data centers; nil for a data center admitted later by
    /// vote (its instance number is above the founders'), which finds its seat in the chain.
    let index: Int?
    /// Every data center's RPC endpoint, node 1 first.
    let peers: [String]
    let keyPath: String
    let membersPath: String
    let consensus: Consensus.Configuration
    /// How often the core's clock is fed.
    let tick: Duration
    /// How proposals pass: the same at every data center.
    let governance: GovernancePolicy
    /// What one submitter may ask of this data center.
    let limits: SubmitLimits

    init(_ settings: ServiceSettings) throws {
        let config = settings.config
        let data = URL(fileURLWithPath: settings.dataDirectory)
        let instanceNumber = settings.instance.split(separator: "-").last.flatMap { Int($0) }
        peers = (config.string(forKey: "ledger.peers") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard peers.count >= 4 else {
            throw SettingsError("ledger.peers (GRIDTRADE_LEDGER_PEERS) must list every data center's RPC endpoint, at least 4 (n = 3f + 1)")
        }
        if let node = config.int(forKey: "ledger.node") {
            guard (1...peers.count).contains(node) else { throw SettingsError("ledger.node \(node) is not between 1 and \(peers.count)") }
            index = node - 1
        } else if let instanceNumber {
            index = instanceNumber <= peers.count ? instanceNumber - 1 : nil
        } else {
            throw SettingsError("ledger.node (GRIDTRADE_LEDGER_NODE) must give this data center's number, from 1")
        }
        keyPath = config.string(forKey: "ledger.key", default: data.appendingPathComponent("node-key.pem").path)
        membersPath = config.string(forKey: "ledger.members", default: data.appendingPathComponent("members.pem").path)
        /// A whole number in `range`, or the setting's name and what it must be.
        func number(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            let value = config.int(forKey: ConfigKey(key), default: fallback)
            guard range.contains(value) else { throw SettingsError("\(key) must be between \(range.lowerBound) and \(range.upperBound), not \(value)") }
            return value
        }
        var consensus = Consensus.Configuration(replicaCount: peers.count)
        consensus.maxBatchSize = try number("ledger.batch.max", consensus.maxBatchSize, 1...4_096)
        consensus.batchDelay = UInt64(try number("ledger.batch.delay.ms", Int(consensus.batchDelay), 0...10_000))
        consensus.checkpointInterval = UInt64(try number("ledger.checkpoint.interval", Int(consensus.checkpointInterval), 1...100_000))
        consensus.viewChangeTimeout = UInt64(try number("ledger.view.change.ms", Int(consensus.viewChangeTimeout), 100...600_000))
        if let problem = consensus.problem { throw SettingsError("ledger: \(problem)") }
        self.consensus = consensus
        tick = .milliseconds(try number("ledger.tick.ms", 5, 1...1_000))
        let ratio = config.string(forKey: "ledger.governance.ratio", default: "2/3")
        let parts = ratio.split(separator: "/").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2 else { throw SettingsError("ledger.governance.ratio must be a fraction such as 2/3, not \(ratio)") }
        let governance = GovernancePolicy(
            approvalNumerator: parts[0], approvalDenominator: parts[1],
            votingWindow: UInt64(try number("ledger.governance.window", 1_000, 1...10_000_000)),
            checkpointInterval: consensus.checkpointInterval, watermarkWindow: consensus.watermarkWindow
        )
        if let problem = governance.problem { throw SettingsError("ledger.governance: \(problem)") }
        self.governance = governance
        let rateText = config.string(forKey: "ledger.submit.rate")
        let limits = SubmitLimits(
            rate: try rateText.map { text in
                guard let rate = Double(text) else { throw SettingsError("ledger.submit.rate must be a number of transactions a second, not \(text)") }
                return rate
            } ?? SubmitLimits.defaults.rate,
            burst: try number("ledger.submit.burst", SubmitLimits.defaults.burst, 1...10_000_000),
            inFlight: try number("ledger.submit.in.flight", SubmitLimits.defaults.inFlight, 1...10_000_000)
        )
        if let problem = limits.problem { throw SettingsError(problem) }
        self.limits = limits
    }
}
