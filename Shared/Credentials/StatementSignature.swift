import Crypto
import Foundation
import Messages
import X509

/// Signs and checks `SignedStatement`s (the scheme is on that type).
public enum StatementSignature {
    public static let version = "GRIDTRADE-STATEMENT-V1"

    /// The exact bytes that are signed.
    public static func message(kind: SignedStatement.Kind, signer: MemberID, payload: Data) -> Data {
        Data([version, kind.rawValue, signer.rawValue, SHA256.hash(data: payload).lowercaseHex].joined(separator: "\n").utf8)
    }

    /// Encodes `value` once and signs those bytes.
    public static func sign<T: Encodable>(_ value: T, kind: SignedStatement.Kind, by signer: MemberSigner) throws -> SignedStatement {
        guard let certificate = signer.certificate else { throw StatementError.unsigned("the signer has no certificate yet") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let payload = try encoder.encode(value)
        let signature = try signer.privateKey.signature(for: message(kind: kind, signer: signer.member, payload: payload))
        return SignedStatement(
            kind: kind, signer: signer.member, payload: payload.base64EncodedString(),
            signature: signature.derRepresentation.base64EncodedString(), certificate: try CertificateDER.base64(certificate)
        )
    }

    /// Checks the certificate (against the CA, at `now`), the signer's role, the signature, and
    /// decodes the payload: what the statement says, as signed.
    public static func verify<T: Decodable>(
        _ statement: SignedStatement, as type: T.Type, kind: SignedStatement.Kind, role: Role, authority: Certificate, now: Date = Date()
    ) throws(StatementError) -> T {
        guard statement.kind == kind else { throw .refused("a \(statement.kind.rawValue) statement, not a \(kind.rawValue)") }
        let certificate: Certificate
        let identity: MemberIdentity
        do {
            certificate = try CertificateDER.fromBase64(statement.certificate)
            identity = try CertificateCheck.verify(certificate, caCertificate: authority, now: now)
        } catch {
            throw .refused("certificate refused: \(error)")
        }
        guard identity.memberID == statement.signer else { throw .refused("signed by \(identity.memberID), not \(statement.signer)") }
        guard identity.role == role else { throw .refused("signed by a \(identity.role.rawValue), not a \(role.rawValue)") }
        guard let key = P256.Signing.PublicKey(certificate.publicKey),
              let payload = Data(base64Encoded: statement.payload),
              let der = Data(base64Encoded: statement.signature),
              let signature = try? P256.Signing.ECDSASignature(derRepresentation: der),
              key.isValidSignature(signature, for: message(kind: kind, signer: statement.signer, payload: payload))
        else { throw .refused("signature does not verify") }
        do {
            return try JSONDecoder().decode(T.self, from: payload)
        } catch {
            throw .refused("payload is not a \(kind.rawValue): \(error)")
        }
    }
}

public enum StatementError: Error, Equatable, CustomStringConvertible {
    case unsigned(String)
    case refused(String)

    public var description: String {
        switch self {
        case .unsigned(let reason): "cannot sign: \(reason)"
        case .refused(let reason): "statement refused: \(reason)"
        }
    }
}
