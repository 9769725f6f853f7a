import Credentials
import Crypto
import Foundation

/// Seals the clear terms to each party with HPKE and opens a party's copy.
///
/// Members hold one P-256 key, certified for signing; the same key serves as the HPKE recipient
/// key, so a member needs no second certificate to read its contracts. The HPKE `info` binds a copy
/// to its contract and recipient: "GRIDTRADE-CONTRACT-V1\n" + contract id + "\n" + recipient id.
public enum ContractSeal {
    static let suite = HPKE.Ciphersuite.P256_SHA256_AES_GCM_256

    static func info(contract: String, recipient: String) -> Data {
        Data("\(ContractSigning.version)\n\(contract)\n\(recipient)".utf8)
    }

    public static func seal(_ terms: Data, contract: String, to recipient: String, key: P256.Signing.PublicKey) throws -> SealedCopy {
        let agreementKey = try P256.KeyAgreement.PublicKey(rawRepresentation: key.rawRepresentation)
        var sender = try HPKE.Sender(recipientKey: agreementKey, ciphersuite: suite, info: info(contract: contract, recipient: recipient))
        let ciphertext = try sender.seal(terms)
        return SealedCopy(
            recipient: recipient, encapsulatedKey: sender.encapsulatedKey.base64EncodedString(), ciphertext: ciphertext.base64EncodedString()
        )
    }

    /// The clear-terms bytes of `copy`, if `key` is its recipient's.
    public static func open(_ copy: SealedCopy, contract: String, with key: P256.Signing.PrivateKey) throws(ContractProblem) -> Data {
        guard let encapsulated = Data(base64Encoded: copy.encapsulatedKey), let ciphertext = Data(base64Encoded: copy.ciphertext) else {
            throw ContractProblem(.invalidArgument, "the sealed copy for \(copy.recipient) is not base64")
        }
        do {
            let agreementKey = try P256.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation)
            var recipient = try HPKE.Recipient(
                privateKey: agreementKey, ciphersuite: suite, info: info(contract: contract, recipient: copy.recipient), encapsulatedKey: encapsulated
            )
            return try recipient.open(ciphertext)
        } catch {
            throw ContractProblem(.permissionDenied, "this key cannot open the copy sealed to \(copy.recipient)")
        }
    }

    /// SHA-256 over the encapsulated key's bytes then the ciphertext's: what the document lists.
    public static func digest(_ copy: SealedCopy) -> String? {
        guard let encapsulated = Data(base64Encoded: copy.encapsulatedKey), let ciphertext = Data(base64Encoded: copy.ciphertext) else { return nil }
        return SHA256.hash(data: encapsulated + ciphertext).hexString
    }
}

extension Digest {
    var hexString: String { lowercaseHex }
}
