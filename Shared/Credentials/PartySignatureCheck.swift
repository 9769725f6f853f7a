import Crypto
import Foundation
import GridProtocol
import Messages
import X509

public extension PartySignature {
    /// The exact body bytes signed (empty if the field is not base64).
    var bodyBytes: Data { Data(base64Encoded: body) ?? Data() }
}

/// Checks kept evidence again: the certificate was the CA's and in date when the party signed,
/// it names the party, and the signature covers this method and body.
public enum PartySignatureCheck {
    public static func verify(_ evidence: PartySignature, authority: Certificate) throws(AuthError) -> MemberIdentity {
        let certificate: Certificate
        let identity: MemberIdentity
        do {
            certificate = try CertificateDER.fromBase64(evidence.certificate)
            identity = try CertificateCheck.verify(certificate, caCertificate: authority, now: Date(unixMilliseconds: evidence.timestampMs))
        } catch {
            throw .unauthenticated("\(evidence.member)'s certificate is refused: \(error)")
        }
        guard identity.memberID == evidence.member else {
            throw .unauthenticated("\(evidence.member)'s signature carries \(identity.memberID)'s certificate")
        }
        guard let key = P256.Signing.PublicKey(certificate.publicKey), let signature = Data(base64Encoded: evidence.signature),
              RequestSignature.verify(
                  signature: signature, publicKey: key, method: evidence.method, memberID: evidence.member.rawValue,
                  bodyDigestHex: RequestSignature.bodyDigestHex(evidence.bodyBytes), timestampMs: evidence.timestampMs, nonce: evidence.nonce
              )
        else { throw .unauthenticated("\(evidence.member)'s signature on \(evidence.method) does not verify") }
        return identity
    }
}
