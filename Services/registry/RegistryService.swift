import Auth
import Bus
import Credentials
import Crypto
import Foundation
import Messages
import RegistryCore
import ServiceKit
import Storage

/// The registry's handlers: authenticate, check the rules, change the store in one transaction,
/// then publish the event. The trading center's CA lives in the data directory.
final class RegistryService: Sendable {
    private let host: BusHost
    private let store: SQLiteStore
    private let authority: CertificateAuthority
    private let authenticator: Authenticator
    private let revocations: RevocationSet

    init(host: BusHost) throws {
        self.host = host
        let directory = URL(fileURLWithPath: host.settings.dataDirectory)
        store = try RegistryStore.open(path: directory.appendingPathComponent("registry.sqlite").path)
        authority = try AuthorityFiles.loadOrCreate(in: directory)
        revocations = RevocationSet()
        authenticator = Authenticator(authority: authority.certificate, revocations: revocations)
    }

    func register() async throws {
        let server = host.server
        try await store.read { try RegistryStore.revocations($0) }.forEach(revocations.add)
        try await bootstrapTradingCenter()

        server.register(RegistryAPI.register) { [self] request, context in try await register(request, context) }
        server.register(RegistryAPI.approve) { [self] request, context in try await approve(request, context) }
        server.register(RegistryAPI.reject) { [self] request, context in try await decide(request, context, .reject) }
        server.register(RegistryAPI.revoke) { [self] request, context in try await decide(request, context, .revoke) }
        server.register(RegistryAPI.publishPlan) { [self] request, context in try await publishPlan(request, context) }
        server.register(RegistryAPI.publishDemand) { [self] request, context in try await publishDemand(request, context) }

        server.register(RegistryAPI.getMember) { [store] query, _ in
            guard let member = try await store.read({ try RegistryStore.fetchMember(query.memberId, $0) }) else {
                throw RegistryError.unknownMember(query.memberId)
            }
            return member
        }
        server.register(RegistryAPI.listMembers) { [store] query, _ in
            MemberList(members: try await store.read { try RegistryStore.fetchMembers(role: query.role, status: query.status, $0) })
        }
        server.register(RegistryAPI.getAuthority) { [authority] _, _ in AuthorityInfo(certificate: try authority.certificatePEM) }
        server.register(RegistryAPI.listRevocations) { [store] _, _ in
            RevocationList(revocations: try await store.read { try RegistryStore.revocations($0) })
        }
        server.register(RegistryAPI.listPlans) { [store] query, _ in
            PlanList(plans: try await store.read { try RegistryStore.list("plan", month: query.month, memberId: query.memberId, $0) })
        }
        server.register(RegistryAPI.listDemands) { [store] query, _ in
            DemandList(demands: try await store.read { try RegistryStore.list("demand", month: query.month, memberId: query.memberId, $0) })
        }
    }

    // MARK: handlers

    private func register(_ request: RegisterRequest, _ context: RequestContext) async throws -> Member {
        let applicant = try await authenticator.admitRegistration(context, recordingIn: store)
        try Rules.validate(request)
        let member = Member(
            id: applicant.memberID, role: request.role, legalName: request.legalName, licence: request.licence,
            contact: request.contact, status: .pending, generator: request.generator, consumer: request.consumer,
            publicKey: Data(applicant.publicKeyDER).base64EncodedString(), registeredAtMs: Date().unixMilliseconds
        )
        try await store.change { db in try RegistryStore.insert(member, db) }
        try host.events.publish(RegistryAPI.memberRegistered, member)
        return member
    }

    private func approve(_ request: MemberDecision, _ context: RequestContext) async throws -> Member {
        let caller = try await authenticator.admit(context, recordingIn: store)
        let authority = self.authority
        let member = try await store.change { db in
            guard var member = try RegistryStore.fetchMember(request.memberId, db) else { throw RegistryError.unknownMember(request.memberId) }
            member.status = try Lifecycle.next(member.status, .approve, member: member.id)
            let issued = try Self.issue(authority, for: member)
            member.certificate = issued.pem
            member.decidedAtMs = Date().unixMilliseconds
            try RegistryStore.update(member, serial: issued.serial, db)
            return member
        }
        try host.events.publish(RegistryAPI.memberApproved, member)
        return member
    }

    private func decide(_ request: MemberDecision, _ context: RequestContext, _ action: Lifecycle.Action) async throws -> Member {
        let caller = try await authenticator.admit(context, recordingIn: store)
        let reason = try Rules.reason(request.reason, for: action.rawValue)
        guard request.memberId != caller.memberID else {
            // Else the market could lose its only approver.
            throw RegistryError.forbidden("a trading center cannot \(action.rawValue) itself")
        }
        let (member, serial) = try await store.change { db in
            guard var member = try RegistryStore.fetchMember(request.memberId, db) else { throw RegistryError.unknownMember(request.memberId) }
            member.status = try Lifecycle.next(member.status, action, member: member.id)
            member.reason = reason
            member.decidedAtMs = Date().unixMilliseconds
            try RegistryStore.update(member, serial: nil, db)
            return (member, try RegistryStore.serial(of: member.id, db))
        }
        if action == .revoke {
            let revocation = Revocation(memberId: member.id, serial: serial ?? "", reason: reason, revokedAtMs: member.decidedAtMs ?? Date().unixMilliseconds)
            revocations.add(revocation)
            try host.events.publish(RegistryAPI.memberRevoked, revocation)
        } else {
            try host.events.publish(RegistryAPI.memberRejected, member)
        }
        return member
    }

    private func publishPlan(_ request: PublishPlanRequest, _ context: RequestContext) async throws -> GenerationPlan {
        try await publish(context, table: "plan", topic: RegistryAPI.planPublished) { member in
            guard let unit = member.generator else { throw RegistryError.forbidden("member '\(member.id)' has no registered units") }
            try Rules.validate(request, for: unit)
            return GenerationPlan(
                memberId: member.id, month: request.month, minMw: request.minMw, maxMw: request.maxMw,
                a: request.a, b: request.b, c: request.c, k: request.k, publishedAtMs: Date().unixMilliseconds
            )
        }
    }

    private func publishDemand(_ request: PublishDemandRequest, _ context: RequestContext) async throws -> Demand {
        try await publish(context, table: "demand", topic: RegistryAPI.demandPublished) { member in
            guard let load = member.consumer else { throw RegistryError.forbidden("member '\(member.id)' has no registered load") }
            try Rules.validate(request, for: load)
            return Demand(memberId: member.id, month: request.month, mwh: request.mwh, maxPrice: request.maxPrice, publishedAtMs: Date().unixMilliseconds)
        }
    }

    /// A member publishes for a delivery month: checked against what it registered, stored
    /// (replacing its earlier one for that month), then announced.
    private func publish<Record: Codable & Sendable & PeriodRecord>(
        _ context: RequestContext,
        table: String,
        topic: EventTopic<Record>,
        make: @escaping @Sendable (Member) throws -> Record
    ) async throws -> Record {
        let caller = try await authenticator.admit(context, recordingIn: store)
        let record = try await store.change { db in
            guard let member = try RegistryStore.fetchMember(caller.memberID, db) else { throw RegistryError.unknownMember(caller.memberID) }
            let record = try make(member)
            try RegistryStore.put(table, memberId: member.id, month: record.month, record, db)
            return record
        }
        try host.events.publish(topic, record)
        return record
    }

    // MARK: helpers

    /// The trading center is admitted by configuration, not by request: its public key file,
    /// if present, makes it an approved member with a certificate at start.
    private func bootstrapTradingCenter() async throws {
        guard let path = host.settings.config.string(forKey: "trading.center.key"), FileManager.default.fileExists(atPath: path) else {
            // Not fatal: members can still register and be looked up; approval waits for a restart with the key.
            host.logger.warning("no trading center key file (GRIDTRADE_TRADING_CENTER_KEY): members can register but none can be approved")
            return
        }
        let publicKey = try MemberKey.loadPublicKey(pem: String(contentsOfFile: path, encoding: .utf8))
        let id = MemberID(publicKey: publicKey)
        let authority = self.authority
        if try await store.read({ try RegistryStore.fetchMember(id, $0) }) != nil { return }
        var tradingCenter = Member(
            id: id, role: .tradingCenter, legalName: "Trading center", licence: "TC-\(id.rawValue.dropFirst(2))", contact: "operator",
            status: .approved, publicKey: publicKey.derRepresentation.base64EncodedString(), registeredAtMs: Date().unixMilliseconds, decidedAtMs: Date().unixMilliseconds
        )
        let issued = try Self.issue(authority, for: tradingCenter, publicKey: publicKey)
        tradingCenter.certificate = issued.pem
        try await store.change { [tradingCenter] db in
            try RegistryStore.insert(tradingCenter, db)
            try RegistryStore.update(tradingCenter, serial: issued.serial, db)
        }
        host.logger.notice("trading center admitted", metadata: ["member.id": "\(id)"])
    }

    private static func issue(_ authority: CertificateAuthority, for member: Member, publicKey: P256.Signing.PublicKey? = nil) throws -> (pem: String, serial: String) {
        let key = try publicKey ?? P256.Signing.PublicKey(derRepresentation: Data(base64Encoded: member.publicKey) ?? Data())
        let certificate = try authority.issue(memberID: member.id.rawValue, role: member.role, publicKey: key, now: Date())
        return (try CertificatePEM.encode(certificate), CertificateSerial.hex(certificate))
    }

}

/// What a member publishes per delivery month.
protocol PeriodRecord {
    var month: DeliveryMonth { get }
}

extension GenerationPlan: PeriodRecord {}
extension Demand: PeriodRecord {}
