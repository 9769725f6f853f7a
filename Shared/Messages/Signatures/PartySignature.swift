/// A party's signed request, kept as evidence of what it agreed to: the exact body bytes it
/// signed and the signature entries it sent (docs/protocol.md, "Signed requests"). Anyone with
/// the trading center's CA certificate can check it again later, as the review does.
public struct PartySignature: Codable, Sendable, Equatable {
    public var member: MemberID
    /// The signed method, e.g. `Matching/ConfirmOrder`.
    public var method: String
    /// Base64 of the exact request body bytes.
    public var body: String
    public var timestampMs: Int64
    public var nonce: String
    /// Base64 of the DER ECDSA signature (`gt-signature`).
    public var signature: String
    /// Base64 of the DER of the member's certificate (`gt-cert`).
    public var certificate: String

    public init(member: MemberID, method: String, body: String, timestampMs: Int64, nonce: String, signature: String, certificate: String) {
        self.member = member
        self.method = method
        self.body = body
        self.timestampMs = timestampMs
        self.nonce = nonce
        self.signature = signature
        self.certificate = certificate
    }

    enum CodingKeys: String, CodingKey {
        case member, method, body, nonce, signature, certificate
        case timestampMs = "timestamp_ms"
    }
}
