import Foundation

/// A transaction's identity: SHA-256 over ("GRIDTRADE-TXID-V1" 0x00, u32 len + submitter, u32 len + payload).
/// The signature is left out so a re-signed or malleated copy is still the same transaction
/// (ordered at most once); a client that wants two equal payloads committed puts a nonce in them.
public typealias TransactionID = Hash256

/// A client's signed payload, opaque to consensus.
///
/// Canonical encoding (the Merkle leaf data and the form inside batches and blocks):
/// u32 len + submitter, u32 len + payload, u32 len + signature (lengths big-endian).
/// The submitter signs `signingBytes`: "GRIDTRADE-TX-V1" 0x00, u32 len + submitter, u32 len + payload.
public struct Transaction: Sendable, Hashable, Codable, CanonicallyEncodable {
    public let payload: Data
    /// The submitter's public key (for `P256TransactionVerifier`: x9.63 uncompressed, 65 bytes).
    public let submitter: Data
    public let signature: Data
    /// Derived, not encoded: computed once because every replica looks it up many times.
    public let id: TransactionID

    public init(payload: Data, submitter: Data, signature: Data) {
        self.payload = payload
        self.submitter = submitter
        self.signature = signature
        var encoder = CanonicalEncoder()
        encoder.tag("GRIDTRADE-TXID-V1")
        encoder.data(submitter)
        encoder.data(payload)
        id = Hash256.sha256(encoder.bytes)
    }

    /// The bytes the submitter signs.
    public static func signingBytes(payload: Data, submitter: Data) -> Data {
        var encoder = CanonicalEncoder()
        encoder.tag("GRIDTRADE-TX-V1")
        encoder.data(submitter)
        encoder.data(payload)
        return encoder.data
    }

    public var signingBytes: Data { Self.signingBytes(payload: payload, submitter: submitter) }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.data(submitter)
        encoder.data(payload)
        encoder.data(signature)
    }

    private enum CodingKeys: String, CodingKey { case payload, submitter, signature }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            payload: try container.decode(Data.self, forKey: .payload),
            submitter: try container.decode(Data.self, forKey: .submitter),
            signature: try container.decode(Data.self, forKey: .signature)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(payload, forKey: .payload)
        try container.encode(submitter, forKey: .submitter)
        try container.encode(signature, forKey: .signature)
    }
}

/// Where a committed transaction landed.
public struct TransactionLocation: Hashable, Sendable, Codable {
    public let height: UInt64
    public let index: Int

    public init(height: UInt64, index: Int) {
        self.height = height
        self.index = index
    }
}
