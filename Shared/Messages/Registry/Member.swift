/// Where a member stands in admission.
public enum MemberStatus: String, Codable, Sendable, CaseIterable {
    case pending, approved, rejected, revoked
}

/// A generator's units as registered: where it connects and what its cost and bids are
/// (SPEC.md section 4: cost a p² + b p + c, bids k (2 a p + b), pmin ≤ p ≤ pmax).
public struct GeneratorDetails: Codable, Sendable, Equatable {
    public var bus: Int
    public var pmin: Double
    public var pmax: Double
    public var a: Double
    public var b: Double
    public var c: Double
    public var k: Double

    public init(bus: Int, pmin: Double, pmax: Double, a: Double, b: Double, c: Double, k: Double) {
        self.bus = bus
        self.pmin = pmin
        self.pmax = pmax
        self.a = a
        self.b = b
        self.c = c
        self.k = k
    }
}

/// A large consumer as registered.
public struct ConsumerDetails: Codable, Sendable, Equatable {
    public var bus: Int
    public var maxDemandMw: Double

    public init(bus: Int, maxDemandMw: Double) {
        self.bus = bus
        self.maxDemandMw = maxDemandMw
    }

    enum CodingKeys: String, CodingKey {
        case bus
        case maxDemandMw = "max_demand_mw"
    }
}

/// A member as the registry keeps it. The id is derived from the member's public key.
public struct Member: Codable, Sendable, Equatable {
    public var id: MemberID
    public var role: Role
    public var legalName: String
    public var licence: String
    public var contact: String
    public var status: MemberStatus
    /// Why it was rejected or revoked.
    public var reason: String?
    public var generator: GeneratorDetails?
    public var consumer: ConsumerDetails?
    /// Base64 of the DER SubjectPublicKeyInfo of the member's P-256 key.
    public var publicKey: String
    /// PEM of the member's certificate once approved.
    public var certificate: String?
    public var registeredAtMs: Int64
    public var decidedAtMs: Int64?

    public init(
        id: MemberID, role: Role, legalName: String, licence: String, contact: String, status: MemberStatus,
        reason: String? = nil, generator: GeneratorDetails? = nil, consumer: ConsumerDetails? = nil,
        publicKey: String, certificate: String? = nil, registeredAtMs: Int64, decidedAtMs: Int64? = nil
    ) {
        self.id = id
        self.role = role
        self.legalName = legalName
        self.licence = licence
        self.contact = contact
        self.status = status
        self.reason = reason
        self.generator = generator
        self.consumer = consumer
        self.publicKey = publicKey
        self.certificate = certificate
        self.registeredAtMs = registeredAtMs
        self.decidedAtMs = decidedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case id, role, licence, contact, status, reason, generator, consumer, certificate
        case legalName = "legal_name"
        case publicKey = "public_key"
        case registeredAtMs = "registered_at_ms"
        case decidedAtMs = "decided_at_ms"
    }
}
