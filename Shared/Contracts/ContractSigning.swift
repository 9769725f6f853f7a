import Credentials
import Crypto
import Foundation
import Messages
import X509

/// Signs contracts and checks them as every data center does before ordering one.
///
/// Each party signs, with its certificate's P-256 key (DER ECDSA over SHA-256),
///
///     "GRIDTRADE-CONTRACT-V1\n" + lowercase hex SHA-256(document bytes)
///
/// where the document bytes are the base64-decoded `SignedContract.document`.
public enum ContractSigning {
    public static let version = "GRIDTRADE-CONTRACT-V1"

    public static func message(document: Data) -> Data {
        Data("\(version)\n\(SHA256.hash(data: document).hexString)".utf8)
    }

    /// Adds (or replaces) `signer`'s signature.
    public static func sign(_ contract: SignedContract, by signer: MemberSigner) throws -> SignedContract {
        guard let certificate = signer.certificate else { throw ContractProblem(.unauthenticated, "the signer has no certificate yet") }
        guard let document = Data(base64Encoded: contract.document) else { throw ContractProblem(.invalidArgument, "document is not base64") }
        let signature = try signer.privateKey.signature(for: message(document: document))
        var signed = contract
        signed.signatures.removeAll { $0.member == signer.memberID }
        signed.signatures.append(ContractSignature(
            member: signer.memberID, certificate: try CertificateDER.base64(certificate), signature: signature.derRepresentation.base64EncodedString()
        ))
        return signed
    }

    /// The document, decoded from its exact bytes.
    public static func document(of contract: SignedContract) throws(ContractProblem) -> ContractDocument {
        guard let bytes = Data(base64Encoded: contract.document) else { throw ContractProblem(.invalidArgument, "document is not base64") }
        do {
            return try JSONDecoder().decode(ContractDocument.self, from: bytes)
        } catch {
            throw ContractProblem(.invalidArgument, "document is not a contract document: \(error)")
        }
    }

    /// Everything a data center checks, in order: the document's shape (3), every party's sealed
    /// copy (3), then every party's signature: present and verifying (16), by a certificate the
    /// CA issued to that member in that role (16, or 7 for the wrong role), not revoked (7).
    /// Any one failure refuses the whole contract.
    public static func verify(
        _ contract: SignedContract, certificates: CertificateCache, isRevoked: (String) -> Bool, now: Date = Date()
    ) throws(ContractProblem) -> ContractDocument {
        let document = try Self.document(of: contract)
        try ContractShape.check(document)
        try checkCopies(contract, document)
        guard let bytes = Data(base64Encoded: contract.document) else { throw ContractProblem(.invalidArgument, "document is not base64") }
        let message = message(document: bytes)
        var signatures: [String: ContractSignature] = [:]
        for signature in contract.signatures {
            guard document.names(signature.member) else {
                throw ContractProblem(.invalidArgument, "a signature by \(signature.member), who is not a party")
            }
            guard signatures.updateValue(signature, forKey: signature.member) == nil else {
                throw ContractProblem(.invalidArgument, "two signatures by \(signature.member)")
            }
        }
        for party in document.parties {
            guard let signature = signatures[party.member] else {
                throw ContractProblem(.unauthenticated, "no signature by the \(party.role.rawValue) \(party.member)")
            }
            guard let der = Data(base64Encoded: signature.certificate) else {
                throw ContractProblem(.invalidArgument, "the certificate of \(party.member) is not base64")
            }
            let (identity, certificate) = try certificates.identity(of: der, now: now)
            guard identity.memberID.rawValue == party.member else {
                throw ContractProblem(.unauthenticated, "the certificate beside \(party.member)'s signature is \(identity.memberID)'s")
            }
            guard let key = P256.Signing.PublicKey(certificate.publicKey),
                  let bytes = Data(base64Encoded: signature.signature),
                  let decoded = try? P256.Signing.ECDSASignature(derRepresentation: bytes),
                  key.isValidSignature(decoded, for: message)
            else { throw ContractProblem(.unauthenticated, "the signature by \(party.member) does not verify") }
            guard identity.role == party.role else {
                throw ContractProblem(.permissionDenied, "\(party.member) signs as a \(party.role.rawValue) but is a \(identity.role.rawValue)")
            }
            guard !isRevoked(party.member) else {
                throw ContractProblem(.permissionDenied, "\(party.member) has been revoked")
            }
        }
        return document
    }

    /// One copy per party, each matching the digest the document lists for it.
    static func checkCopies(_ contract: SignedContract, _ document: ContractDocument) throws(ContractProblem) {
        let listed = Dictionary(document.copies.map { ($0.recipient, $0.sha256) }, uniquingKeysWith: { first, _ in first })
        guard listed.count == document.copies.count, contract.copies.count == document.copies.count else {
            throw ContractProblem(.invalidArgument, "copies must be one per party, as the document lists them")
        }
        for party in document.parties where listed[party.member] == nil {
            throw ContractProblem(.invalidArgument, "no sealed copy for \(party.member)")
        }
        // Only the parties read the terms: a copy for anyone else would hand them out.
        for copy in document.copies where !document.names(copy.recipient) {
            throw ContractProblem(.invalidArgument, "a sealed copy for \(copy.recipient), who is not a party")
        }
        var seen = Set<String>()
        for copy in contract.copies {
            guard seen.insert(copy.recipient).inserted, let expected = listed[copy.recipient] else {
                throw ContractProblem(.invalidArgument, "an unlisted or repeated copy for \(copy.recipient)")
            }
            guard ContractSeal.digest(copy) == expected else {
                throw ContractProblem(.invalidArgument, "the copy for \(copy.recipient) is not the one the document lists")
            }
        }
    }
}
