/// A statement a member signs for others to rely on: the trading center's review decision, the
/// dispatch center's security-check result. The payload is the exact JSON bytes of the statement
/// (carried as base64, so re-encoding can never change what was signed); the signature is over
///
///     "GRIDTRADE-STATEMENT-V1\n" + kind + "\n" + signer + "\n" + lowercase hex SHA-256(payload bytes)
///
/// with the signer's P-256 key, DER-encoded. A reader checks the certificate against the trading
/// center's CA, the signature, and then decodes the payload: never the copy beside it.
public struct SignedStatement: Codable, Sendable, Equatable {
    /// What the payload is. Any other value does not decode (INVALID_ARGUMENT naming the field).
    public var kind: Kind
    /// The signing member's id.
    public var signer: MemberID
    /// Base64 of the payload's JSON bytes.
    public var payload: String
    /// Base64 of the DER ECDSA P-256 signature.
    public var signature: String
    /// Base64 of the DER of the signer's certificate.
    public var certificate: String

    public init(kind: Kind, signer: MemberID, payload: String, signature: String, certificate: String) {
        self.kind = kind
        self.signer = signer
        self.payload = payload
        self.signature = signature
        self.certificate = certificate
    }

    /// The raw value is the wire name and the kind line of the signed message.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case reviewDecision = "review-decision"
        case securityCheck = "security-check"
    }
}
