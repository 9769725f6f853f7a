import GridProtocol
import Crypto
import Foundation
import Messages
import X509

/// Signs a member's outgoing requests (see `RequestSignature` for the scheme).
///
/// Given a certificate it sends `gt-cert`; without one, as when registering, it sends
/// `gt-public-key` so the registry can check the request was signed by the key it is asked
/// to certify.
public struct MemberSigner: RequestSigner {
    /// A string for the ledger side, which holds member ids as strings; `member` is the typed id.
    public let memberID: String
    public let privateKey: P256.Signing.PrivateKey
    /// Nil when registering.
    public let certificate: Certificate?
    /// `gt-cert` or `gt-public-key` with its value, computed once.
    /// Encoded once; nil only for a certificate that does not serialize, which `metadata` reports.
    private let credential: (entry: String, value: String)?
    private let clock: @Sendable () -> Date

    /// - Parameter clock: the time to stamp requests with; tests pass a fixed one.
    public init(
        memberID: String,
        privateKey: P256.Signing.PrivateKey,
        certificate: Certificate?,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.memberID = memberID
        self.privateKey = privateKey
        self.certificate = certificate
        self.clock = clock
        if let certificate {
            credential = (try? CertificateDER.base64(certificate)).map { (RequestSignature.Entry.certificate, $0) }
        } else {
            credential = (RequestSignature.Entry.publicKey, privateKey.publicKey.derRepresentation.base64EncodedString())
        }
    }

    public var member: MemberID { MemberID(memberID) }

    public init(
        member: MemberID,
        privateKey: P256.Signing.PrivateKey,
        certificate: Certificate?,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(memberID: member.rawValue, privateKey: privateKey, certificate: certificate, clock: clock)
    }

    /// The signed metadata for one request, with the current time and a fresh nonce.
    public func metadata(method: String, body: Data) throws -> [String: String] {
        guard let credential else { throw CertificateError.unreadable("the signer's certificate does not serialize") }
        let timestampMs = clock().unixMilliseconds
        let nonce = RequestSignature.makeNonce()
        let signature = try RequestSignature.sign(
            privateKey: privateKey,
            method: method,
            memberID: memberID,
            bodyDigestHex: RequestSignature.bodyDigestHex(body),
            timestampMs: timestampMs,
            nonce: nonce
        )
        return [
            RequestSignature.Entry.member: memberID,
            credential.entry: credential.value,
            RequestSignature.Entry.timestamp: String(timestampMs),
            RequestSignature.Entry.nonce: nonce,
            RequestSignature.Entry.signature: signature.base64EncodedString(),
        ]
    }
}
