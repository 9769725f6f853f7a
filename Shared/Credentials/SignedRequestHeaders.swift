import Crypto
import Foundation
import Messages
import X509

/// The signature entries of a request's metadata, parsed and checked for form (see
/// `RequestSignature`), so a malformed request is refused with the entry it got wrong.
///
/// Form only: whether the certificate is the CA's (`CertificateCheck.verify`), the signature
/// valid (`RequestSignature.verify`), the timestamp fresh and the nonce unused are the
/// server's next steps.
public struct SignedRequestHeaders: Hashable, Sendable {
    public let memberID: MemberID
    /// `gt-cert` as sent: base64 of a certificate's DER. Exactly one of this and `publicKey` is set.
    public let certificate: String?
    /// `gt-public-key` as sent: base64 of a P-256 SubjectPublicKeyInfo DER (registration only).
    public let publicKey: String?
    public let timestampMs: Int64
    public let nonce: String
    /// `gt-signature` decoded: a DER ECDSA signature.
    public let signature: Data

    public init(metadata: [String: String]) throws(SignedRequestHeadersError) {
        typealias Entry = RequestSignature.Entry

        memberID = MemberID(try Self.required(Entry.member, in: metadata))
        guard memberID.isValid else { throw .malformed(Entry.member, reason: "not a valid member id") }

        certificate = metadata[Entry.certificate]
        publicKey = metadata[Entry.publicKey]
        switch (certificate, publicKey) {
        case (nil, nil):
            throw .missing(Entry.certificate)
        case (.some, .some):
            throw .malformed(Entry.publicKey, reason: "sent together with \(Entry.certificate)")
        case (.some(let text), nil):
            let der = try Self.base64(Entry.certificate, text)
            guard (try? CertificateDER.decode(der)) != nil else {
                throw .malformed(Entry.certificate, reason: "not a DER certificate")
            }
        case (nil, .some(let text)):
            let der = try Self.base64(Entry.publicKey, text)
            guard (try? P256.Signing.PublicKey(derRepresentation: der)) != nil else {
                throw .malformed(Entry.publicKey, reason: "not a P-256 SubjectPublicKeyInfo DER")
            }
        }

        let timestamp = try Self.required(Entry.timestamp, in: metadata)
        guard let timestampMs = Int64(timestamp), timestampMs >= 0, String(timestampMs) == timestamp else {
            throw .malformed(Entry.timestamp, reason: "not a non-negative decimal integer")
        }
        self.timestampMs = timestampMs

        nonce = try Self.required(Entry.nonce, in: metadata)
        guard nonce.utf8.count == 32, nonce.utf8.allSatisfy(Self.isLowercaseHexDigit) else {
            throw .malformed(Entry.nonce, reason: "not 32 lowercase hex digits")
        }

        signature = try Self.base64(Entry.signature, try Self.required(Entry.signature, in: metadata))
        guard (try? P256.Signing.ECDSASignature(derRepresentation: signature)) != nil else {
            throw .malformed(Entry.signature, reason: "not a DER ECDSA signature")
        }
    }

    private static func required(_ entry: String, in metadata: [String: String]) throws(SignedRequestHeadersError) -> String {
        guard let value = metadata[entry] else { throw .missing(entry) }
        return value
    }

    private static func base64(_ entry: String, _ text: String) throws(SignedRequestHeadersError) -> Data {
        guard let data = Data(base64Encoded: text) else { throw .malformed(entry, reason: "not base64") }
        return data
    }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}

/// A signature metadata entry that is missing or malformed; the case names the entry.
public enum SignedRequestHeadersError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case malformed(String, reason: String)

    public var description: String {
        switch self {
        case .missing(let entry): "request metadata lacks '\(entry)'"
        case .malformed(let entry, let reason): "request metadata '\(entry)' is malformed: \(reason)"
        }
    }
}
