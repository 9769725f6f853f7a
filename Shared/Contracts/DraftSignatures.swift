import Credentials
import Crypto
import Foundation
import Messages
import X509

/// How the desk takes a party's signature over a draft (`Review/SignDraft`). Pure: the desk
/// authenticates the caller (a signed request, not revoked) and gathers the stored draft.
public enum DraftSignatures {
    public enum Outcome: Equatable, Sendable {
        /// The party had signed already: nothing changes, and the same answer is given again.
        case unchanged
        /// The contract with the signature added, and the parties still to sign.
        case added(SignedContract, awaiting: [MemberID])
    }

    /// In order: the caller returns its own signature, is a party, has not signed yet (else
    /// nothing changes), the draft still takes signatures, the certificate is the CA's for that
    /// member in the role the contract names, and the signature verifies over the document.
    public static func add(
        _ signature: ContractSignature, from caller: MemberID, to record: ContractDraftRecord, authority: Certificate, now: Date
    ) throws(ContractDeskError) -> Outcome {
        guard signature.member == caller.rawValue else { throw .signatureOfAnother(caller: caller, signer: signature.member) }
        let document: ContractDocument
        do {
            document = try ContractSigning.document(of: record.contract)
        } catch {
            throw .contract(error)
        }
        guard let party = document.parties.first(where: { $0.member == caller.rawValue }) else {
            throw .notAParty(member: caller, contractId: record.contractId)
        }
        // Returned twice (a retry, or an agent restarted after signing): accepted once.
        if record.contract.signatures.contains(where: { $0.member == caller.rawValue }) { return .unchanged }
        guard record.status == .signing else { throw .draftClosed(contractId: record.contractId, status: record.status.rawValue) }
        guard let der = Data(base64Encoded: signature.certificate), let certificate = try? Certificate(derEncoded: Array(der)) else {
            throw .signatureRefused("the certificate is not base64 DER")
        }
        let identity: MemberIdentity
        do {
            identity = try CertificateCheck.verify(certificate, caCertificate: authority, now: now)
        } catch {
            throw .signatureRefused("certificate refused: \(error)")
        }
        guard identity.memberID == caller else { throw .signatureRefused("the certificate is \(identity.memberID)'s, not \(caller)'s") }
        guard identity.role == party.role else { throw .signsInWrongRole(member: caller, named: party.role, actual: identity.role) }
        guard let bytes = Data(base64Encoded: record.contract.document), let key = P256.Signing.PublicKey(certificate.publicKey),
              let raw = Data(base64Encoded: signature.signature), let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: raw),
              key.isValidSignature(ecdsa, for: ContractSigning.message(document: bytes))
        else { throw .signatureRefused("it does not verify over the document") }
        var contract = record.contract
        contract.signatures.append(signature)
        let signed = Set(contract.signatures.map(\.member))
        return .added(contract, awaiting: document.parties.map(\.member).filter { !signed.contains($0) }.map(MemberID.init))
    }

    /// The parties of a freshly drafted contract that have not signed it.
    public static func awaiting(_ contract: SignedContract) -> [MemberID] {
        guard let document = try? ContractSigning.document(of: contract) else { return [] }
        let signed = Set(contract.signatures.map(\.member))
        return document.parties.map(\.member).filter { !signed.contains($0) }.map(MemberID.init)
    }
}
