import Messages

/// The public part of a contract: what every data center reads and verifies without the terms.
/// It is signed as exact bytes (`SignedContract.document`), so re-encoding never changes it.
public struct ContractDocument: Codable, Sendable, Equatable {
    /// `ct-` + the trade order id: one contract per order.
    public var contractId: String
    /// 1 when drafted; an amendment passed by the data centers records version + 1.
    public var version: Int
    public var orderId: String
    /// Every signer: one consumer, one or more generators, one grid company, the trading center
    /// and the dispatch center (drafts list them in that order). Each has exactly one sealed copy,
    /// and no one else has one.
    public var parties: [ContractParty]
    /// First and last delivery month (YYYY-MM).
    public var periodStart: String
    public var periodEnd: String
    /// Hex SHA-256 of the exact clear-terms bytes every party's sealed copy opens to.
    public var termsHash: String
    /// Hex SHA-256 of each sealed copy (encapsulated key bytes then ciphertext bytes), by recipient:
    /// the signatures cover the copies too, so none can be swapped.
    public var copies: [CopyDigest]
    public var draftedAtMs: Int64

    public init(
        contractId: String, version: Int, orderId: String, parties: [ContractParty], periodStart: String, periodEnd: String,
        termsHash: String, copies: [CopyDigest], draftedAtMs: Int64
    ) {
        self.contractId = contractId
        self.version = version
        self.orderId = orderId
        self.parties = parties
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.termsHash = termsHash
        self.copies = copies
        self.draftedAtMs = draftedAtMs
    }

    public static func contractID(order: String) -> String { "ct-\(order)" }

    /// Whether `member` is one of the parties.
    public func names(_ member: String) -> Bool { parties.contains { $0.member == member } }

    enum CodingKeys: String, CodingKey {
        case version, parties, copies
        case contractId = "contract_id"
        case orderId = "order_id"
        case periodStart = "period_start"
        case periodEnd = "period_end"
        case termsHash = "terms_hash"
        case draftedAtMs = "drafted_at_ms"
    }
}

public struct ContractParty: Codable, Sendable, Equatable {
    public var member: String
    public var role: Role

    public init(member: String, role: Role) {
        self.member = member
        self.role = role
    }
}

public struct CopyDigest: Codable, Sendable, Equatable {
    public var recipient: String
    public var sha256: String

    public init(recipient: String, sha256: String) {
        self.recipient = recipient
        self.sha256 = sha256
    }
}

/// The terms sealed to one recipient with HPKE (RFC 9180, base mode,
/// DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) to the P-256 key of its certificate.
public struct SealedCopy: Codable, Sendable, Equatable {
    public var recipient: String
    /// Base64 of the encapsulated key (65 bytes, uncompressed point).
    public var encapsulatedKey: String
    /// Base64 of the ciphertext with its tag.
    public var ciphertext: String

    public init(recipient: String, encapsulatedKey: String, ciphertext: String) {
        self.recipient = recipient
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }

    enum CodingKeys: String, CodingKey {
        case recipient, ciphertext
        case encapsulatedKey = "encapsulated_key"
    }
}

/// One party's signature over the document.
public struct ContractSignature: Codable, Sendable, Equatable {
    public var member: String
    /// Base64 of the DER of the signer's certificate (issued by the trading center's CA).
    public var certificate: String
    /// Base64 of the DER ECDSA P-256 signature over `ContractSigning.message`.
    public var signature: String

    public init(member: String, certificate: String, signature: String) {
        self.member = member
        self.certificate = certificate
        self.signature = signature
    }
}

/// A contract as the ledger records it: the document's exact bytes, the sealed copies, and
/// one signature per party.
public struct SignedContract: Codable, Sendable, Equatable {
    /// Base64 of the document's JSON bytes.
    public var document: String
    public var copies: [SealedCopy]
    public var signatures: [ContractSignature]

    public init(document: String, copies: [SealedCopy], signatures: [ContractSignature]) {
        self.document = document
        self.copies = copies
        self.signatures = signatures
    }
}
