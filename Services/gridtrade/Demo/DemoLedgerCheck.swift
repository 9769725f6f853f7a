import Bus
import Contracts
import Foundation
import LedgerKit
import LedgerRules

/// The contract on the ledger, checked as an extension node would: recorded on every data center
/// at the height the desk reported, with every party's signature, and its Merkle proof (fetched
/// from data center 1) verified against the header's commit certificate with the data centers'
/// keys from the registry, as `gridtrade ledger proof` does.
struct DemoLedgerCheck {
    let cluster: DemoCluster
    let wait: DemoWait
    let account: DemoAccount

    struct Proof: Sendable {
        var verified: Bool
        var height: UInt64
    }

    func onEveryDataCenter(_ committed: DemoPipeline.Committed) async throws {
        for ledger in cluster.ledgers {
            let client = try RPCClient(endpoint: ledger.rpc, maxMessageBytes: 32 << 20)
            defer { client.close() }
            try await wait.until("the contract on \(ledger.name)") { () async throws -> Look<Void> in
                let record: ContractRecord
                do {
                    record = try await client.call(LedgerAPI.getContract, ContractQuery(contractId: committed.contractId), deadline: .seconds(30))
                } catch let error as RPCError where error.code == .notFound {
                    return .waiting("\(committed.contractId) not there yet")
                }
                guard record.height == committed.height else {
                    return .failed("\(committed.contractId) is at height \(record.height) there, the desk reported \(committed.height)")
                }
                let signers = Set(record.contract.signatures.map(\.member))
                guard signers == Set(committed.parties.map(\.member)) else {
                    return .failed("\(committed.contractId) carries \(signers.count) signatures there, not one per party (\(committed.parties.count))")
                }
                return .done(())
            }
        }
        account.stage(
            "recorded",
            "\(committed.contractId) is in block \(committed.height) on all \(cluster.ledgers.count) data centers (\(cluster.ledgers.map(\.name).joined(separator: ", "))), \(committed.parties.count) signatures"
        )
    }

    /// Verified or refused; refused is reported, not thrown, so `--json` still says `proof_verified: false`.
    func proof(_ committed: DemoPipeline.Committed) async throws -> Proof {
        guard let first = cluster.ledgers.first else { throw Failure("the proof: the cluster runs no data center") }
        let client = try RPCClient(endpoint: first.rpc, maxMessageBytes: 32 << 20)
        defer { client.close() }
        let proof = try await wait.call("the proof", "Ledger/GetProof on \(first.name)") {
            try await client.call(LedgerAPI.getProof, ContractQuery(contractId: committed.contractId), deadline: .seconds(30))
        }
        var registry = RegistryOptions()
        registry.registry = cluster.registry
        let keys = try await RegistryDataCenters.keys(registry)
        do {
            guard proof.contractId == committed.contractId else { throw Failure("the proof is for \(proof.contractId), not \(committed.contractId)") }
            let document = try ProofCheck.verify(proof, dataCenterKeys: keys)
            let quorum = 2 * ((keys.count - 1) / 3) + 1
            account.stage(
                "proof",
                "verified: \(document.contractId) is transaction \(proof.index) of block \(proof.height) (header \(proof.header.hash.hex.prefix(16))…), its Merkle path leads to the header's root, and at least \(quorum) of the \(keys.count) data centers' keys from the registry signed that header"
            )
            return Proof(verified: true, height: proof.height)
        } catch {
            account.stage("proof", "REFUSED: \(error)")
            return Proof(verified: false, height: proof.height)
        }
    }
}
