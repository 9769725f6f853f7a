import Bus
import Credentials
import Crypto
import Foundation
import Messages

/// Who takes part in a demo run, each with its key and certificate.
struct DemoParties: Sendable {
    struct Unit: Sendable {
        var unit: DemoCase.Generator
        var signer: MemberSigner
    }

    var tradingCenter: MemberSigner
    var dispatchCenter: MemberID
    var dataCenters: [MemberID]
    var gridCompany: MemberSigner
    var consumer: MemberSigner
    var generators: [Unit]
    /// Where this run's keys and certificates were written.
    var keyDirectory: String

    /// The parties that sign through the demo's own agents: the consumer, the generators and the grid company.
    var agentSigners: [(name: String, signer: MemberSigner)] {
        [("consumer", consumer)] + generators.map { ($0.unit.name, $0.signer) } + [("grid company", gridCompany)]
    }

    /// The name the account gives a member.
    func name(of member: String) -> String {
        if member == tradingCenter.memberID { return "trading center" }
        if member == dispatchCenter.rawValue { return "dispatch center" }
        if member == gridCompany.memberID { return "grid company" }
        if member == consumer.memberID { return "consumer" }
        return generators.first { $0.signer.memberID == member }?.unit.name ?? member
    }
}

/// Admits everyone the scenario needs: the data centers and the dispatch center (their services
/// made their keys; they are approved if still pending), and a fresh grid company, consumer and
/// generators with new keys on every run, so the demo runs again on the same cluster.
struct DemoAdmission {
    let cluster: DemoCluster
    let scenario: DemoCase
    let registry: RPCClient
    let wait: DemoWait
    let account: DemoAccount

    static let stage = "admission"

    func admit() async throws -> DemoParties {
        let tradingCenter = try await tradingCenterSigner()
        let dataCenters = try await admitDataCenters(approver: tradingCenter)
        let dispatchCenter = try await admitDispatchCenter(approver: tradingCenter)
        let keys = try keyDirectory()
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let grid = try await admitNew(
            "grid-company", RegisterRequest(role: .gridCompany, legalName: "Demo Grid Co \(run)", licence: "DEMO-GRID-\(run)", contact: "ops@grid.example"),
            approver: tradingCenter, keys: keys
        )
        let consumer = try await admitNew(
            "consumer",
            RegisterRequest(
                role: .consumer, legalName: "Demo Steel Mill \(run)", licence: "DEMO-CON-\(run)", contact: "ops@mill.example",
                consumer: ConsumerDetails(bus: scenario.consumerBus, maxDemandMw: scenario.consumerMaxDemandMw)
            ),
            approver: tradingCenter, keys: keys
        )
        var generators: [DemoParties.Unit] = []
        for unit in scenario.generators {
            let details = GeneratorDetails(bus: unit.bus, pmin: unit.pmin, pmax: unit.pmax, a: unit.a, b: unit.b, c: unit.c, k: unit.k)
            let signer = try await admitNew(
                unit.name,
                RegisterRequest(role: .generator, legalName: "Demo \(unit.name) \(run)", licence: "DEMO-\(unit.name)-\(run)", contact: "ops@\(unit.name.lowercased()).example", generator: details),
                approver: tradingCenter, keys: keys
            )
            generators.append(.init(unit: unit, signer: signer))
        }
        let parties = DemoParties(
            tradingCenter: tradingCenter, dispatchCenter: dispatchCenter, dataCenters: dataCenters, gridCompany: grid, consumer: consumer,
            generators: generators, keyDirectory: keys.path
        )
        account.stage(
            "admitted",
            "\(dataCenters.count) data centers, the dispatch center, and with new keys a grid company, a consumer (bus \(scenario.consumerBus)) and "
                + scenario.generators.map { "\($0.name) (bus \($0.bus))" }.joined(separator: ", ")
        )
        account.detail("keys and certificates: \(keys.path)")
        return parties
    }

    /// The trading center: the review service's key (made by `gridtrade up`), admitted by the registry at its start.
    func tradingCenterSigner() async throws -> MemberSigner {
        let key = try cluster.tradingCenterKey()
        let id = MemberID(publicKey: key.publicKey)
        let member = try await wait.until("\(Self.stage): the trading center \(id)") { () async throws -> Look<Member> in
            guard let member = try await found(id) else { return .waiting("the registry does not know it yet") }
            guard member.status == .approved, member.role == .tradingCenter, member.certificate != nil else {
                return .failed("the registry holds it as \(member.role.rawValue), \(member.status.rawValue), not an approved trading center")
            }
            return .done(member)
        }
        return MemberSigner(member: id, privateKey: key, certificate: try CertificatePEM.decode(member.certificate ?? ""))
    }

    /// Every data center of the cluster registers itself at start; the trading center approves the pending ones.
    func admitDataCenters(approver: MemberSigner) async throws -> [MemberID] {
        let ids = try cluster.dataCenterIDs()
        for (index, id) in ids.enumerated() {
            try await approveWhenRegistered(id, what: "data center \(index + 1)", role: .dataCenter, approver: approver)
        }
        return ids
    }

    /// The dispatch service makes its key on first start but does not register: the demo registers
    /// it with that key (as README's walk-through does by hand), then approves it.
    func admitDispatchCenter(approver: MemberSigner) async throws -> MemberID {
        let key = try cluster.dispatchKey()
        let id = MemberID(publicKey: key.publicKey)
        if try await wait.call(Self.stage, "Registry/GetMember for the dispatch center", { try await found(id) }) == nil {
            let request = RegisterRequest(role: .dispatchCenter, legalName: "Dispatch center", licence: "DC-\(id)", contact: "control room")
            try await register(request, signer: MemberSigner(member: id, privateKey: key, certificate: nil), what: "the dispatch center")
        }
        try await approveWhenRegistered(id, what: "the dispatch center", role: .dispatchCenter, approver: approver)
        return id
    }

    /// Waits until the registry knows `id` (a service registers itself shortly after start), then
    /// approves it if pending; a member refused or revoked, or of another role, stops the demo.
    private func approveWhenRegistered(_ id: MemberID, what: String, role: Role, approver: MemberSigner) async throws {
        let member = try await wait.until("\(Self.stage): \(what) \(id)") { () async throws -> Look<Member> in
            guard let member = try await found(id) else { return .waiting("not registered with the registry yet") }
            return .done(member)
        }
        guard member.role == role else { throw Failure("\(Self.stage): \(what) \(id) is registered as \(member.role.rawValue), not \(role.rawValue)") }
        switch member.status {
        case .approved:
            return
        case .pending:
            _ = try await approve(id, what: what, approver: approver)
        case .rejected, .revoked:
            throw Failure("\(Self.stage): \(what) \(id) is \(member.status.rawValue) in the registry: it cannot take part (start a new cluster home)")
        }
    }

    /// A new member with a new key, registered and approved; its key and certificate written under `keys`.
    func admitNew(_ file: String, _ request: RegisterRequest, approver: MemberSigner, keys: URL) async throws -> MemberSigner {
        let key = MemberKey.generate()
        let id = MemberID(publicKey: key.publicKey)
        try await register(request, signer: MemberSigner(member: id, privateKey: key, certificate: nil), what: file)
        let member = try await approve(id, what: file, approver: approver)
        guard let pem = member.certificate else { throw Failure("\(Self.stage): \(file) \(id) was approved without a certificate") }
        try MemberKey.write(privateKey: key, to: keys.appendingPathComponent("\(file).pem").path)
        try Data(pem.utf8).write(to: keys.appendingPathComponent("\(file)-cert.pem"))
        return MemberSigner(member: id, privateKey: key, certificate: try CertificatePEM.decode(pem))
    }

    /// `Registry/Register`; a retry after a lost reply finds the member already there, which is the same outcome.
    private func register(_ request: RegisterRequest, signer: MemberSigner, what: String) async throws {
        do {
            _ = try await wait.call(Self.stage, "registering \(what)") { try await registry.call(RegistryAPI.register, request, deadline: .seconds(30), signer: signer) }
        } catch {
            guard try await found(signer.member) != nil else { throw error }
        }
    }

    /// `Registry/Approve` by the trading center; a retry after a lost reply finds it approved.
    private func approve(_ id: MemberID, what: String, approver: MemberSigner) async throws -> Member {
        do {
            return try await wait.call(Self.stage, "approving \(what) \(id)") {
                try await registry.call(RegistryAPI.approve, MemberDecision(memberId: id), deadline: .seconds(30), signer: approver)
            }
        } catch {
            guard let member = try await found(id), member.status == .approved else { throw error }
            return member
        }
    }

    private func found(_ id: MemberID) async throws -> Member? {
        do {
            return try await registry.call(RegistryAPI.getMember, MemberQuery(memberId: id), deadline: .seconds(30))
        } catch let error as RPCError where error.code == .notFound {
            return nil
        }
    }

    /// `<home>/demo/<UTC time>/`, with `<home>/demo/latest` pointing at it.
    func keyDirectory() throws -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = URL(fileURLWithPath: cluster.home).appendingPathComponent("demo")
        var directory = base.appendingPathComponent(formatter.string(from: Date()))
        var suffix = 1
        while FileManager.default.fileExists(atPath: directory.path) {
            suffix += 1
            directory = base.appendingPathComponent(formatter.string(from: Date()) + "-\(suffix)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let latest = base.appendingPathComponent("latest")
        try? FileManager.default.removeItem(at: latest)
        try? FileManager.default.createSymbolicLink(atPath: latest.path, withDestinationPath: directory.lastPathComponent)
        return directory
    }
}
