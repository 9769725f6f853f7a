import ArgumentParser
import Auth
import Bus
import ClusterControl
import Consensus
import Contracts
import Credentials
import Crypto
import Foundation
import LedgerKit
import LedgerRules
import Messages

/// `gridtrade-bench contracts`: committed five-signature contracts per second on a 4-data-center
/// cluster, against the machine's bound: P-256 verifications/s on all cores ÷ (5 signatures × n).
struct ContractBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contracts",
        abstract: "Committed five-signature contracts per second (4 data centers) against the machine's signature bound.",
        discussion: """
            Starts a cluster with `gridtrade up --data-centers N` in a home of its own, admits a consumer, a generator,
            a grid company and a dispatch center at its registry (the trading center is the cluster's own), and drafts
            and signs the contracts beforehand (signing and sealing are the parties' cost, not the ledger's). Clients then
            upload them to the data centers in turn, each waiting for its commit. Every data center checks each
            contract's five signatures (certificate checks are cached per certificate) and the upload's own signature.
            """
    )

    @Option(help: "Contracts to commit.") var contracts: Int = 3_000
    @Option(help: "Concurrent clients.") var clients: Int = 128
    @Option(help: "Data centers.") var nodes: Int = 4
    @Option(help: "Port offset for the benchmark cluster.") var portOffset: Int = 23_000
    @Option(help: "Directory of the service executables (default: this program's own).") var binDir: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard contracts >= clients, clients > 0 else { throw ValidationError("--contracts must be at least --clients, both positive") }
        let binaries = binDir ?? ProcessControl.ownDirectory()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gridtrade-bench-contracts-\(getpid())")
        let home = scratch.appendingPathComponent("cluster")
        var finished = false
        defer { if finished { try? FileManager.default.removeItem(at: scratch) } }
        defer { BenchCluster.down(binaries: binaries, home: home) }
        log("\(nodes) data centers, \(contracts) contracts, \(clients) clients")
        let endpoints = try await BenchCluster.up(binaries: binaries, home: home, nodes: nodes, portOffset: portOffset)
        let parties = try await BenchParties.admit(home: home)
        log("drafting and signing \(contracts + 100) contracts")
        let transactions = try parties.contracts(contracts + 100, uploaders: clients)
        try await BenchMembers.waitForTrust(endpoint: endpoints[0], probe: transactions[0])
        let warmUp = try await LedgerLoad.run(endpoints: endpoints, transactions: Array(transactions.prefix(100)).dropFirst().map { $0 }, clients: min(clients, 99))
        guard warmUp.failed == 0 else { throw BenchFailure("\(warmUp.failed) warm-up contracts were refused; logs in \(home.path)/logs") }
        let outcome = try await LedgerLoad.run(endpoints: endpoints, transactions: Array(transactions.dropFirst(100)), clients: clients)
        let verifications = SignatureBound.verificationsPerSecond()
        var result = LoadResult(system: "gridtrade ledger, five-signature contracts", nodes: nodes, outcome: outcome)
        let bound = verifications / Double(5 * nodes)
        result.machineBoundPerSecond = bound
        finished = true
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode([result]), as: UTF8.self))
            return
        }
        print("system                                      nodes  committed/s   p50 ms   p99 ms  failed")
        print(result.system.padding(toLength: 43, withPad: " ", startingAt: 0)
            + String(format: " %5d %12.0f %8.1f %8.1f %7d", result.nodes, result.committedPerSecond, result.latencyMs.p50, result.latencyMs.p99, result.failed))
        print(String(format: "machine: %.0f P-256 verifications/s on %d cores", verifications, ProcessInfo.processInfo.activeProcessorCount))
        print(String(format: "bound with %d data centers (5 signatures x %d replicas): %.0f contracts/s; measured %.0f%% of it", nodes, nodes, bound, 100 * result.committedPerSecond / bound))
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data("bench contracts: \(line)\n".utf8))
    }
}

/// The members a benchmark contract names, admitted at the benchmark cluster's registry.
struct BenchParties {
    let consumer: MemberSigner
    let generator: MemberSigner
    let gridCompany: MemberSigner
    let tradingCenter: MemberSigner
    let dispatchCenter: MemberSigner

    static func admit(home: URL) async throws -> BenchParties {
        let registry = try await BenchRegistry.open(home: home)
        defer { registry.close() }
        return BenchParties(
            consumer: try await registry.admit(.consumer, "consumer"), generator: try await registry.admit(.generator, "generator"),
            gridCompany: try await registry.admit(.gridCompany, "grid"), tradingCenter: registry.tradingCenter,
            dispatchCenter: try await registry.admit(.dispatchCenter, "dispatch")
        )
    }

    /// Contracts as the trading center drafts them (one month, sealed to the five), signed by all
    /// five, contract i uploaded by uploader i mod `uploaders` (anyone may upload a contract; each
    /// uploader has its own limits at a data center, so each client gets one).
    func contracts(_ count: Int, uploaders: Int) throws -> [Transaction] {
        let uploaderKeys = (0..<max(1, uploaders)).map { _ in P256.Signing.PrivateKey() }
        let signers = [consumer, generator, gridCompany, tradingCenter, dispatchCenter]
        let parties = [
            ContractParty(member: consumer.memberID, role: .consumer), ContractParty(member: generator.memberID, role: .generator),
            ContractParty(member: gridCompany.memberID, role: .gridCompany), ContractParty(member: tradingCenter.memberID, role: .tradingCenter),
            ContractParty(member: dispatchCenter.memberID, role: .dispatchCenter),
        ]
        let keys = Dictionary(uniqueKeysWithValues: signers.map { ($0.memberID, $0.privateKey.publicKey) })
        let run = UUID().uuidString.prefix(8)
        return try (0..<count).map { index in
            let order = "bench-\(run)-\(index)"
            let terms = ContractTerms(
                contractId: ContractDocument.contractID(order: order), orderId: order, buyer: consumer.memberID,
                sellers: [SellerShare(member: generator.memberID, mwh: 100)], price: 14.16, energyMwh: 100,
                monthlySplit: [MonthlyEnergy(month: "2027-01", mwh: 100)], gridCompany: gridCompany.memberID, sellerBus: 2, buyerBus: 5,
                reviewDecision: String(repeating: "0", count: 64), securityCheck: String(repeating: "0", count: 64), salt: ContractDraft.salt()
            )
            var contract = try ContractDraft.make(terms: terms, parties: parties, keys: keys, draftedAtMs: Int64(Date().timeIntervalSince1970 * 1000))
            for signer in signers { contract = try ContractSigning.sign(contract, by: signer) }
            return P256TransactionVerifier.sign(payload: LedgerEntry.contract(contract).encoded(), with: uploaderKeys[index % uploaderKeys.count])
        }
    }
}
