import Foundation
import GridProtocol

/// The registry's methods and events. State-changing methods are signed (docs/protocol.md,
/// "Signed requests"); queries are open.
public enum RegistryAPI {
    public static let register = Method<RegisterRequest, Member>("Registry/Register")
    public static let approve = Method<MemberDecision, Member>("Registry/Approve")
    public static let reject = Method<MemberDecision, Member>("Registry/Reject")
    public static let revoke = Method<MemberDecision, Member>("Registry/Revoke")
    public static let publishPlan = Method<PublishPlanRequest, GenerationPlan>("Registry/PublishPlan")
    public static let publishDemand = Method<PublishDemandRequest, Demand>("Registry/PublishDemand")

    public static let getMember = Method<MemberQuery, Member>("Registry/GetMember")
    public static let listMembers = Method<MemberListQuery, MemberList>("Registry/ListMembers")
    public static let getAuthority = Method<Empty, AuthorityInfo>("Registry/GetAuthority")
    public static let listRevocations = Method<Empty, RevocationList>("Registry/ListRevocations")
    public static let listPlans = Method<MonthQuery, PlanList>("Registry/ListPlans")
    public static let listDemands = Method<MonthQuery, DemandList>("Registry/ListDemands")

    public static let memberRegistered = EventTopic<Member>("MemberRegistered")
    public static let memberApproved = EventTopic<Member>("MemberApproved")
    public static let memberRejected = EventTopic<Member>("MemberRejected")
    public static let memberRevoked = EventTopic<Revocation>("MemberRevoked")
    public static let planPublished = EventTopic<GenerationPlan>("PlanPublished")
    public static let demandPublished = EventTopic<Demand>("DemandPublished")
}

/// `Registry/Register`: the public key is the one in the `gt-public-key` metadata entry that
/// signed the request.
public struct RegisterRequest: Codable, Sendable, Equatable {
    public var role: Role
    public var legalName: String
    /// A unique licence or unified credit code.
    public var licence: String
    public var contact: String
    public var generator: GeneratorDetails?
    public var consumer: ConsumerDetails?

    public init(role: Role, legalName: String, licence: String, contact: String, generator: GeneratorDetails? = nil, consumer: ConsumerDetails? = nil) {
        self.role = role
        self.legalName = legalName
        self.licence = licence
        self.contact = contact
        self.generator = generator
        self.consumer = consumer
    }

    enum CodingKeys: String, CodingKey {
        case role, licence, contact, generator, consumer
        case legalName = "legal_name"
    }
}

/// `Registry/Approve`, `Reject`, `Revoke`: which member, and why (required to reject or revoke).
public struct MemberDecision: Codable, Sendable, Equatable {
    public var memberId: MemberID
    public var reason: String?

    public init(memberId: MemberID, reason: String? = nil) {
        self.memberId = memberId
        self.reason = reason
    }

    /// For the ledger side, which holds member ids as strings (`MemberIDs.derive`, `MemberSigner.memberID`).
    @_disfavoredOverload
    public init(memberId: String, reason: String? = nil) { self.init(memberId: MemberID(memberId), reason: reason) }

    enum CodingKeys: String, CodingKey {
        case reason
        case memberId = "member_id"
    }
}

public struct PublishPlanRequest: Codable, Sendable, Equatable {
    public var month: DeliveryMonth
    public var minMw: Double
    public var maxMw: Double
    public var a: Double
    public var b: Double
    public var c: Double
    public var k: Double

    public init(month: DeliveryMonth, minMw: Double, maxMw: Double, a: Double, b: Double, c: Double, k: Double) {
        self.month = month
        self.minMw = minMw
        self.maxMw = maxMw
        self.a = a
        self.b = b
        self.c = c
        self.k = k
    }

    enum CodingKeys: String, CodingKey {
        case month, a, b, c, k
        case minMw = "min_mw"
        case maxMw = "max_mw"
    }
}

public struct PublishDemandRequest: Codable, Sendable, Equatable {
    public var month: DeliveryMonth
    public var mwh: Double
    /// $/MWh, kept as sent.
    public var maxPrice: Decimal

    public init(month: DeliveryMonth, mwh: Double, maxPrice: Decimal) {
        self.month = month
        self.mwh = mwh
        self.maxPrice = maxPrice
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        month = try container.decode(DeliveryMonth.self, forKey: .month)
        mwh = try container.decode(Double.self, forKey: .mwh)
        maxPrice = try container.decodePrice(forKey: .maxPrice)
    }

    enum CodingKeys: String, CodingKey {
        case month, mwh
        case maxPrice = "max_price"
    }
}

public struct MemberQuery: Codable, Sendable {
    public var memberId: MemberID

    public init(memberId: MemberID) { self.memberId = memberId }

    /// For the ledger side, which holds member ids as strings (`MemberIDs.derive`).
    @_disfavoredOverload
    public init(memberId: String) { self.init(memberId: MemberID(memberId)) }

    enum CodingKeys: String, CodingKey { case memberId = "member_id" }
}

public struct MemberListQuery: Codable, Sendable {
    public var role: Role?
    public var status: MemberStatus?

    public init(role: Role? = nil, status: MemberStatus? = nil) {
        self.role = role
        self.status = status
    }
}

public struct MemberList: Codable, Sendable {
    public var members: [Member]

    public init(members: [Member]) { self.members = members }
}

/// The trading center's CA certificate, which every service and member trusts.
public struct AuthorityInfo: Codable, Sendable {
    public var certificate: String

    public init(certificate: String) { self.certificate = certificate }
}

public struct Revocation: Codable, Sendable, Equatable {
    public var memberId: MemberID
    /// The revoked certificate's serial number, hex.
    public var serial: String
    public var reason: String
    public var revokedAtMs: Int64

    public init(memberId: MemberID, serial: String, reason: String, revokedAtMs: Int64) {
        self.memberId = memberId
        self.serial = serial
        self.reason = reason
        self.revokedAtMs = revokedAtMs
    }

    enum CodingKeys: String, CodingKey {
        case serial, reason
        case memberId = "member_id"
        case revokedAtMs = "revoked_at_ms"
    }
}

public struct RevocationList: Codable, Sendable {
    public var revocations: [Revocation]

    public init(revocations: [Revocation]) { self.revocations = revocations }
}

/// Plans or demands, optionally for one delivery month and one member.
public struct MonthQuery: Codable, Sendable {
    public var month: DeliveryMonth?
    public var memberId: MemberID?

    public init(month: DeliveryMonth? = nil, memberId: MemberID? = nil) {
        self.month = month
        self.memberId = memberId
    }

    enum CodingKeys: String, CodingKey {
        case month
        case memberId = "member_id"
    }
}

public struct PlanList: Codable, Sendable {
    public var plans: [GenerationPlan]

    public init(plans: [GenerationPlan]) { self.plans = plans }
}

public struct DemandList: Codable, Sendable {
    public var demands: [Demand]

    public init(demands: [Demand]) { self.demands = demands }
}
