import Crypto
import Foundation

/// Request signatures: how a member proves that it sent a request.
///
/// A signed request carries these metadata entries (all strings):
///
/// - `gt-member`: the member id.
/// - `gt-cert`: base64 of the DER of the member's certificate. Absent for `Registry/Register`,
///   where instead `gt-public-key` holds base64 of the SubjectPublicKeyInfo DER of the public
///   key being registered.
/// - `gt-timestamp`: the time of signing in Unix milliseconds, decimal.
/// - `gt-nonce`: 16 random bytes, lowercase hex (32 characters).
/// - `gt-signature`: base64 of the DER ECDSA P-256 SHA-256 signature of the message below,
///   made with the member's private key.
///
/// The signed message is the UTF-8 bytes of
///
///     "GRIDTRADE-REQUEST-V1\n" + method + "\n" + memberID + "\n"
///         + lowercase hex SHA-256 of the body bytes + "\n" + timestamp + "\n" + nonce
///
/// where `method` is the RPC method name (for example `Registry/Register`), the body is the
/// exact request body bytes sent, and `timestamp` and `nonce` are the `gt-timestamp` and
/// `gt-nonce` values as sent.
///
/// Binding the method and body digest stops a signature being reused for another request; the
/// timestamp and nonce let a server refuse stale and replayed requests; the version line lets
/// the scheme change without old signatures verifying under a new reading.
public enum RequestSignature {
    /// The metadata entry names.
    public enum Entry {
        public static let member = "gt-member"
        public static let certificate = "gt-cert"
        public static let publicKey = "gt-public-key"
        public static let timestamp = "gt-timestamp"
        public static let nonce = "gt-nonce"
        public static let signature = "gt-signature"
    }

    /// The first line of every signed message.
    public static let version = "GRIDTRADE-REQUEST-V1"

    /// The exact bytes that are signed.
    public static func message(
        method: String,
        memberID: String,
        bodyDigestHex: String,
        timestampMs: Int64,
        nonce: String
    ) -> Data {
        let lines = [version, method, memberID, bodyDigestHex, String(timestampMs), nonce]
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// Lowercase hex SHA-256 of the body bytes.
    public static func bodyDigestHex(_ body: Data) -> String {
        SHA256.hash(data: body).lowercaseHex
    }

    /// A fresh nonce: 16 random bytes, lowercase hex.
    public static func makeNonce() -> String {
        secureRandomBytes(count: 16).lowercaseHex
    }

    /// The DER ECDSA signature of `message(...)`.
    public static func sign(
        privateKey: P256.Signing.PrivateKey,
        method: String,
        memberID: String,
        bodyDigestHex: String,
        timestampMs: Int64,
        nonce: String
    ) throws(RequestSignatureError) -> Data {
        let message = message(
            method: method, memberID: memberID, bodyDigestHex: bodyDigestHex, timestampMs: timestampMs, nonce: nonce)
        do {
            return try privateKey.signature(for: message).derRepresentation
        } catch {
            throw .signingFailed("\(error)")
        }
    }

    /// Whether `signature` (DER) is `publicKey`'s signature of `message(...)`. Unparseable
    /// signatures are simply invalid.
    public static func verify(
        signature: Data,
        publicKey: P256.Signing.PublicKey,
        method: String,
        memberID: String,
        bodyDigestHex: String,
        timestampMs: Int64,
        nonce: String
    ) -> Bool {
        guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
        let message = message(
            method: method, memberID: memberID, bodyDigestHex: bodyDigestHex, timestampMs: timestampMs, nonce: nonce)
        return publicKey.isValidSignature(parsed, for: message)
    }
}

/// Why a request could not be signed.
public enum RequestSignatureError: Error, Equatable, CustomStringConvertible {
    case signingFailed(String)

    public var description: String {
        switch self {
        case .signingFailed(let reason): "could not sign the request: \(reason)"
        }
    }
}
