import Consensus
import Contracts
import Crypto
import Foundation

/// What a data center hands an extension node so that it can check, trusting no single data
/// center, that a contract is on the ledger: the transaction that records it, the block header
/// it sits under, that header's commit certificate and the Merkle path from it to the header's root.
public struct ContractProof: Codable, Sendable, Equatable {
    public var contractId: String
    public var version: Int
    public var transaction: Transaction
    public var height: UInt64
    public var index: Int
    public var header: BlockHeader
    public var certificate: CommitCertificate
    public var proof: InclusionProof

    public init(
        contractId: String, version: Int, transaction: Transaction, height: UInt64, index: Int, header: BlockHeader,
        certificate: CommitCertificate, proof: InclusionProof
    ) {
        self.contractId = contractId
        self.version = version
        self.transaction = transaction
        self.height = height
        self.index = index
        self.header = header
        self.certificate = certificate
        self.proof = proof
    }

    enum CodingKeys: String, CodingKey {
        case version, transaction, height, index, header, certificate, proof
        case contractId = "contract_id"
    }
}

/// Why a proof is refused.
public struct ProofProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

public enum ProofCheck {
    /// Checks `proof` against the data centers' keys (from the registry, not from the data center
    /// that sent the proof): the transaction is the leaf at `index` under the header's Merkle root,
    /// the certificate is for exactly that header, a quorum (2f+1 for n = 3f+1) of distinct keys
    /// among the n given signed it, and the transaction records the contract claimed. Returns the contract's
    /// public document.
    public static func verify(_ proof: ContractProof, dataCenterKeys: [P256.Signing.PublicKey]) throws(ProofProblem) -> ContractDocument {
        guard proof.header.height == proof.height else { throw ProofProblem("the header, certificate and location name different heights") }
        try checkCertified(proof.header, by: proof.certificate, dataCenterKeys: dataCenterKeys)
        guard proof.proof.leafIndex == UInt64(proof.index), proof.proof.verifies(proof.transaction, root: proof.header.merkleRoot) else {
            throw ProofProblem("the Merkle path does not lead from the transaction to the header's root")
        }
        let document: ContractDocument
        do {
            switch try LedgerEntry.decode(proof.transaction.payload) {
            case .contract(let contract)?: document = try ContractSigning.document(of: contract)
            case .proposal(let proposal)?:
                guard case .amendContract(let contract) = proposal.action else { throw ProofProblem("the transaction is a proposal, not a contract") }
                document = try ContractSigning.document(of: contract)
            default: throw ProofProblem("the transaction does not record a contract")
            }
        } catch let problem as ProofProblem {
            throw problem
        } catch {
            throw ProofProblem("the transaction does not decode: \(error)")
        }
        guard document.contractId == proof.contractId, document.version == proof.version else {
            throw ProofProblem("the transaction records \(document.contractId) version \(document.version), not \(proof.contractId) version \(proof.version)")
        }
        return document
    }

    /// The certificate is for exactly `header` (height and hash) and a quorum of distinct keys
    /// among at least 4 given signed it: what makes a header trustworthy to an extension node.
    /// Returns how many of the keys signed.
    @discardableResult
    public static func checkCertified(
        _ header: BlockHeader, by certificate: CommitCertificate, dataCenterKeys: [P256.Signing.PublicKey]
    ) throws(ProofProblem) -> Int {
        guard certificate.height == header.height else { throw ProofProblem("the header, certificate and location name different heights") }
        guard certificate.headerHash == header.hash else { throw ProofProblem("the certificate is for another header") }
        let signers = signers(of: certificate, among: dataCenterKeys)
        let required = Configuration.quorum(of: dataCenterKeys.count)
        guard dataCenterKeys.count >= 4, signers >= required else {
            throw ProofProblem("\(signers) of the \(dataCenterKeys.count) data centers' keys signed the header; \(required) are required")
        }
        return signers
    }

    /// Distinct keys with a valid signature over the header hash. The replica index in each entry
    /// is the sender's claim; the keys decide.
    static func signers(of certificate: CommitCertificate, among keys: [P256.Signing.PublicKey]) -> Int {
        let bytes = BlockHeader.signingBytes(certificate.headerHash)
        var used = Set<Int>()
        for entry in certificate.signatures {
            guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: entry.signature) else { continue }
            if let key = keys.indices.first(where: { !used.contains($0) && keys[$0].isValidSignature(signature, for: bytes) }) {
                used.insert(key)
            }
        }
        return used.count
    }
}
