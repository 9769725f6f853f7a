import Consensus
import Foundation
import ServiceKit

/// A data center's own settings (docs/configuration.md, "The ledger's own settings").
struct LedgerSettings {
    /// 0-based position among the data centers.
    let index: Int
    /// Every data center's RPC endpoint, node 1 first.
    let peers: [String]
    let keyPath: String
    let membersPath: String
    let consensus: Consensus.Configuration

    init(_ settings: ServiceSettings) throws {
        let config = settings.config
        let data = URL(fileURLWithPath: settings.dataDirectory)
        let instanceNumber = settings.instance.split(separator: "-").last.flatMap { Int($0) }
        guard let node = config.int(forKey: "ledger.node") ?? instanceNumber else {
            throw SettingsError("ledger.node (GRIDTRADE_LEDGER_NODE) must give this data center's number, from 1")
        }
        peers = (config.string(forKey: "ledger.peers") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard peers.count >= 4 else {
            throw SettingsError("ledger.peers (GRIDTRADE_LEDGER_PEERS) must list every data center's RPC endpoint, at least 4 (n = 3f + 1)")
        }
        guard (1...peers.count).contains(node) else { throw SettingsError("ledger.node \(node) is not between 1 and \(peers.count)") }
        index = node - 1
        keyPath = config.string(forKey: "ledger.key", default: data.appendingPathComponent("node-key.pem").path)
        membersPath = config.string(forKey: "ledger.members", default: data.appendingPathComponent("members.pem").path)
        var consensus = Consensus.Configuration(replicaCount: peers.count)
        consensus.maxBatchSize = config.int(forKey: "ledger.batch.max", default: consensus.maxBatchSize)
        consensus.batchDelay = UInt64(config.int(forKey: "ledger.batch.delay.ms", default: Int(consensus.batchDelay)))
        consensus.checkpointInterval = UInt64(config.int(forKey: "ledger.checkpoint.interval", default: Int(consensus.checkpointInterval)))
        consensus.viewChangeTimeout = UInt64(config.int(forKey: "ledger.view.change.ms", default: Int(consensus.viewChangeTimeout)))
        if let problem = consensus.problem { throw SettingsError("ledger: \(problem)") }
        self.consensus = consensus
    }
}
