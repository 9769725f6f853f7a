import ArgumentParser
import Consensus
import Crypto
import Foundation
import Topology
import LedgerKit
import LedgerRules

/// `gridtrade ledger ...`: the data centers' keys and the audit of a data center's stored chain.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Data-center keys, re-checking a data center's stored chain, and contract proofs.",
        subcommands: [Keygen.self, Verify.self, ProofCommand.self, HeadersCommand.self]
    )

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the keys of a new ledger cluster: node-K.pem (private, one per data center) and members.pem (all public keys, data center 1 first)."
        )

        @Option(help: "Number of data centers, n = 3f + 1 (4, 7, ...).") var dataCenters: Int = 4
        @Option(help: "Directory to write the files to.") var out: String

        func run() throws {
            guard dataCenters >= 4 else { throw ValidationError("--data-centers must be at least 4 (n = 3f + 1 with f >= 1)") }
            let directory = URL(fileURLWithPath: out)
            let members = directory.appendingPathComponent("members.pem")
            let existing = ["members.pem"] + (1...dataCenters).map { "node-\($0).pem" }
            for name in existing where FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
                throw Failure("\(directory.appendingPathComponent(name).path) exists; keys are made once per cluster and never overwritten")
            }
            _ = try DataCenterKeys.generate(count: dataCenters, in: directory)
            print("wrote node-1.pem ... node-\(dataCenters).pem and members.pem to \(directory.path)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-check a data center's stored chain: heights, hash links, Merkle roots, commit certificates, transaction signatures.",
            discussion: """
                Reads the data center's own files (ledger.sqlite in its data directory) and trusts nothing in them but
                the data centers' public keys (members.pem). Exit status 0 when every data center checked is intact, 1
                naming the data center, the first bad height and what is wrong, 2 when its files cannot be found.
                """
        )

        @OptionGroup var cluster: ClusterOptions
        @Option(help: "The data center to check, e.g. ledger-2 (default: every data center of the local cluster).") var dataCenter: String?
        @Option(help: "Check this data directory instead of the local cluster's (with --members).") var dataDir: String?
        @Option(help: "The founding data centers' public keys (default: the data center's members.pem); later members come from the chain.") var members: String?
        @Option(help: "The cluster's checkpoint interval (ledger.checkpoint.interval), which places membership changes.") var checkpointInterval: UInt64 = 16

        func run() throws {
            var targets: [(name: String, data: String, members: String, interval: UInt64)] = []
            if let dataDir {
                targets = [(dataCenter ?? dataDir, dataDir, members ?? URL(fileURLWithPath: dataDir).appendingPathComponent("members.pem").path, checkpointInterval)]
            } else {
                let processes = (try cluster.clusterHome.loadState()?.processes ?? []).filter { $0.spec.executable == "ledger" }
                for process in processes where dataCenter == nil || process.spec.name == dataCenter {
                    let data = process.spec.dataDirectory
                    let interval = process.spec.environment["GRIDTRADE_LEDGER_CHECKPOINT_INTERVAL"].flatMap { UInt64($0) } ?? checkpointInterval
                    targets.append((process.spec.name, data, members ?? process.spec.environment["GRIDTRADE_LEDGER_MEMBERS"] ?? data + "/members.pem", interval))
                }
                guard !targets.isEmpty else {
                    printError(dataCenter.map { "no data center \($0) in the cluster at \(cluster.clusterHome.url.path)" } ?? "no data centers in the cluster at \(cluster.clusterHome.url.path)")
                    throw ExitCode(2)
                }
            }
            var intact = true
            for target in targets.sorted(by: { LocalPlan.orderedNames($0.name, $1.name) }) {
                let database = URL(fileURLWithPath: target.data).appendingPathComponent("ledger.sqlite").path
                guard FileManager.default.fileExists(atPath: database) else {
                    printError("\(target.name): no \(database)")
                    throw ExitCode(2)
                }
                let keys: [P256.Signing.PublicKey]
                do {
                    keys = try DataCenterKeys.readMembers(from: target.members)
                } catch {
                    printError("\(target.name): cannot read the data centers' keys at \(target.members): \(error)")
                    throw ExitCode(2)
                }
                let blocks: [CommittedBlock]
                do {
                    blocks = try LedgerStore(path: database, readOnly: true).blocks()
                } catch {
                    print("\(target.name): ALTERED: \(error)")
                    intact = false
                    continue
                }
                // Membership changes recorded in the chain move the keys that certify it (docs/protocol.md, "The membership switch").
                switch ChainAudit.verify(blocks: blocks, founders: keys, policy: GovernancePolicy(checkpointInterval: target.interval)) {
                case .success(let summary):
                    print("\(target.name): intact: \(summary.blockCount) blocks, \(summary.transactionCount) transactions, tip \(summary.lastHeaderHash.hex)")
                case .failure(let defect):
                    print("\(target.name): ALTERED at height \(defect.height): \(defect.problem)")
                    intact = false
                }
            }
            if !intact { throw ExitCode(1) }
        }
    }
}
