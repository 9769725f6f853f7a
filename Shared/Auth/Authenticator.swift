import Bus
import Credentials
import Crypto
import Foundation
import Messages
import X509

/// The one check every service runs on a state-changing request (docs/protocol.md, "Signed
/// requests"): certificate chain to the trading center's CA, revocation, signature over method,
/// body digest, timestamp and nonce, clock skew, replay; then the permission table.
public final class Authenticator: Sendable {
    public static let defaultMaxSkewMs: Int64 = 300_000

    private let authority: Certificate
    private let revocations: RevocationSet
    let maxSkewMs: Int64
    private let nonces: NonceWindow
    private let now: @Sendable () -> Date

    public init(
        authority: Certificate,
        revocations: RevocationSet,
        maxSkewMs: Int64 = Authenticator.defaultMaxSkewMs,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.authority = authority
        self.revocations = revocations
        self.maxSkewMs = maxSkewMs
        nonces = NonceWindow(windowMs: 2 * maxSkewMs)
        self.now = now
    }

    /// Checks a request signed by an admitted member; returns who sent it.
    public func authenticate(_ context: RequestContext) throws(AuthError) -> Caller {
        let headers = try headers(context)
        guard let certificateText = headers.certificate else { throw .unauthenticated("metadata gt-cert is required") }
        let certificate: Certificate
        let identity: MemberIdentity
        do {
            certificate = try CertificateDER.fromBase64(certificateText)
            identity = try CertificateCheck.verify(certificate, caCertificate: authority, now: now())
        } catch {
            throw .unauthenticated("certificate refused: \(error)")
        }
        guard identity.memberID == headers.memberID else {
            throw .unauthenticated("gt-member '\(headers.memberID)' is not the certificate's member '\(identity.memberID)'")
        }
        guard let key = P256.Signing.PublicKey(certificate.publicKey) else { throw .unauthenticated("certificate key is not P-256") }
        try verifySignature(headers, key: key, context)
        // Only a genuine request learns that its member is revoked.
        guard !revocations.isRevoked(identity.memberID) else {
            throw .permissionDenied("member '\(identity.memberID)' is revoked")
        }
        try claimNonce(headers)
        return Caller(memberID: identity.memberID, role: identity.role, serial: identity.serial, nonce: headers.nonce, timestampMs: headers.timestampMs)
    }

    /// Checks a registration: signed with the key it registers, under the id that key gives.
    public func authenticateRegistration(_ context: RequestContext) throws(AuthError) -> Applicant {
        let headers = try headers(context)
        guard let keyText = headers.publicKey else { throw .unauthenticated("metadata gt-public-key is required to register") }
        guard let der = Data(base64Encoded: keyText), let key = try? P256.Signing.PublicKey(derRepresentation: der) else {
            throw .unauthenticated("gt-public-key is not a base64 DER P-256 public key")
        }
        let id = MemberID(publicKey: key)
        guard headers.memberID == id else { throw .unauthenticated("gt-member must be '\(id)', the id of the registered key") }
        try verifySignature(headers, key: key, context)
        try claimNonce(headers)
        return Applicant(memberID: id, publicKeyDER: Array(key.derRepresentation), nonce: headers.nonce, timestampMs: headers.timestampMs)
    }

    /// The permission table's verdict for this caller and method.
    public func authorize(_ caller: Caller, _ method: String) throws(AuthError) {
        guard Permissions.allows(caller.role, method) else {
            throw .permissionDenied("a \(caller.role.rawValue) may not call \(method)")
        }
    }

    private func headers(_ context: RequestContext) throws(AuthError) -> SignedRequestHeaders {
        do {
            return try SignedRequestHeaders(metadata: context.metadata)
        } catch {
            throw .unauthenticated("\(error)")
        }
    }

    /// Timestamp within the skew, then the signature.
    private func verifySignature(_ headers: SignedRequestHeaders, key: P256.Signing.PublicKey, _ context: RequestContext) throws(AuthError) {
        guard abs(nowMs() - headers.timestampMs) <= maxSkewMs else {
            throw .unauthenticated("gt-timestamp is more than \(maxSkewMs / 1000) s from the server's clock")
        }
        let digest = RequestSignature.bodyDigestHex(context.bodyBytes)
        let valid = RequestSignature.verify(
            signature: headers.signature, publicKey: key, method: context.method, memberID: headers.memberID.rawValue,
            bodyDigestHex: digest, timestampMs: headers.timestampMs, nonce: headers.nonce
        )
        guard valid else { throw .unauthenticated("signature does not verify") }
    }

    /// Last, after the signature, so a forger cannot use up a member's nonces.
    private func claimNonce(_ headers: SignedRequestHeaders) throws(AuthError) {
        guard nonces.claim(member: headers.memberID, nonce: headers.nonce, timestampMs: headers.timestampMs, nowMs: nowMs()) else {
            throw .unauthenticated("replayed request (nonce already used)")
        }
    }

    private func nowMs() -> Int64 { now().unixMilliseconds }
}
