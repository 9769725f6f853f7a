import ArgumentParser
import Bus
import Credentials
import Crypto
import Foundation
import LedgerKit
import LedgerRules
import Messages

/// `gridtrade ledger proof CONTRACT_ID`: an extension node's check that a contract is on the
/// ledger, trusting no single data center: the proof comes from the data center it attaches to,
/// the data centers' keys from the registry (members approved as data_center), and the check runs here.
struct ProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Fetch a contract's Merkle inclusion proof and verify it against its header and commit certificate.",
        discussion: """
            Exit status 0 when the proof holds (2f+1 of the registry's data centers signed the header the contract is under),
            1 when it is refused or cannot be fetched. --proof-out keeps the proof as fetched (checked or not); --from-file
            checks a kept one without asking a data center (the keys still come from the registry).
            """
    )

    @Argument(help: "The contract id (ct-...).") var id: String
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var registry: RegistryOptions
    @Option(help: "Check this proof file instead of asking the data center.") var fromFile: String?
    @Option(help: "Write the fetched proof to this file.") var proofOut: String?

    func run() async throws {
        let proof: ContractProof
        if let fromFile {
            proof = try JSONDecoder().decode(ContractProof.self, from: Data(contentsOf: URL(fileURLWithPath: fromFile)))
        } else {
            let client = try ledger.client()
            defer { client.close() }
            proof = try await call(client, LedgerAPI.getProof, ContractQuery(contractId: id))
        }
        if let proofOut {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(proof).write(to: URL(fileURLWithPath: proofOut))
        }
        let keys = try await RegistryDataCenters.keys(registry)
        guard proof.contractId == id else {
            print("REFUSED: the proof is for \(proof.contractId), not \(id)")
            throw ExitCode(1)
        }
        do {
            let document = try ProofCheck.verify(proof, dataCenterKeys: keys)
            print("verified: \(document.contractId) version \(document.version) is transaction \(proof.index) of block \(proof.height) (header \(proof.header.hash.hex)), certified by the registry's data centers (\(keys.count) keys)")
        } catch {
            print("REFUSED: \(error)")
            throw ExitCode(1)
        }
    }

}

/// The data centers an extension node trusts: the registry's approved members of role data_center.
enum RegistryDataCenters {
    /// Their keys, each from a certificate the trading center's CA issued.
    static func keys(_ registry: RegistryOptions) async throws -> [P256.Signing.PublicKey] {
        let client = try registry.client()
        defer { client.close() }
        let authority = try CertificatePEM.decode(try await call(client, RegistryAPI.getAuthority, Empty()).certificate)
        let members = try await call(client, RegistryAPI.listMembers, MemberListQuery(role: .dataCenter, status: .approved)).members
        return members.compactMap { member in
            guard let pem = member.certificate, let certified = try? CertificateCheck.verify(pem: pem, caCertificate: authority, now: Date()),
                  certified.identity.role == .dataCenter, certified.identity.memberID == member.id
            else { return nil }
            return certified.key
        }
    }
}
