import Auth
import Bus
import Credentials
import Foundation
import Glibc
import Messages
import RegistryLink
import Testing
import TestSupport

@Suite("The registry, as a real process")
struct RegistryProcessTests {
    @Test("from keygen to a certificate with the CLI; openssl verifies it against the CA")
    func keygenToCertificate() async throws {
        let work = try temporaryDirectory("cli")
        let gridtrade = binDirectory.appendingPathComponent("gridtrade")
        func cli(_ arguments: [String]) async throws -> String {
            let result = try await run(gridtrade, arguments, environment: ["GRIDTRADE_REGISTRY": rig.process.rpcEndpoint])
            try #require(result.status == 0, "gridtrade \(arguments.joined(separator: " ")): \(result.error)")
            return result.output
        }
        // The trading center's key is the rig's; write it where the CLI can sign with it.
        let rig = try await RegistryRig()
        let tcKey = work.appendingPathComponent("tc.pem").path
        try MemberKey.write(privateKey: rig.tradingCenter.privateKey, to: tcKey)
        _ = try await cli(["member", "show", rig.tradingCenter.memberID, "--cert-out", work.appendingPathComponent("tc-cert.pem").path])

        let key = work.appendingPathComponent("plant.pem").path
        let id = try await cli(["keygen", "--out", key]).trimmingCharacters(in: .whitespacesAndNewlines)
        let registered = try await cli(["member", "register", "--key", key, "--role", "generator", "--name", "Plant One", "--licence", "LIC-CLI",
                                        "--contact", "ops@plant", "--bus", "5", "--pmin", "30", "--pmax", "100", "--a", "0.01", "--b", "8.4", "--k", "1.3"])
        #expect(registered.contains("\"id\" : \"\(id)\"") && registered.contains("\"status\" : \"pending\""))
        let approved = try await cli(["member", "approve", id, "--key", tcKey, "--cert", work.appendingPathComponent("tc-cert.pem").path])
        #expect(approved.contains("\"status\" : \"approved\""))
        let cert = work.appendingPathComponent("plant-cert.pem").path, ca = work.appendingPathComponent("ca.pem").path
        _ = try await cli(["member", "show", id, "--cert-out", cert, "--ca-out", ca])

        let verified = try await run(URL(fileURLWithPath: "/usr/bin/openssl"), ["verify", "-CAfile", ca, cert])
        #expect(verified.status == 0)
        #expect(verified.output.contains("plant-cert.pem: OK"))
        let subject = try await run(URL(fileURLWithPath: "/usr/bin/openssl"), ["x509", "-in", cert, "-noout", "-subject"])
        #expect(subject.output.contains(id) && subject.output.contains("generator"))

        // The member publishes a plan with its key and certificate.
        let plan = try await cli(["plan", "publish", "--key", key, "--cert", cert, "--month", "2026-12", "--min-mw", "30", "--max-mw", "90", "--a", "0.01", "--b", "8.4", "--k", "1.3"])
        #expect(plan.contains("\"month\" : \"2026-12\""))
        await rig.process.stop()
    }

    @Test("bad input gets its code and changes nothing")
    func badInput() async throws {
        let rig = try await RegistryRig()
        let plant = try await rig.admit(RegistryRig.generatorRequest(licence: "LIC-A"))
        let client = rig.client
        let before = try await rig.snapshot()

        // Malformed, missing and oversize fields: 3, naming the field.
        var bad = RegistryRig.generatorRequest(licence: "LIC-B")
        bad.generator?.pmin = 120
        let key = MemberKey.generate()
        let applicant = MemberSigner(memberID: MemberIDs.derive(key.publicKey), privateKey: key, certificate: nil)
        await #expect(throws: RPCError(.invalidArgument, "body.generator.pmax must be greater than pmin")) {
            try await client.call(RegistryAPI.register, bad, signer: applicant)
        }
        bad = RegistryRig.generatorRequest(licence: "LIC-B")
        bad.legalName = String(repeating: "x", count: 5000)
        #expect(await code { try await client.call(RegistryAPI.register, bad, signer: applicant) } == 3)
        bad = RegistryRig.generatorRequest(licence: "LIC-B")
        bad.generator?.pmax = 1e12
        #expect(await code { try await client.call(RegistryAPI.register, bad, signer: applicant) } == 3)
        let peer = try RawPeer(.dealer, endpoint: rig.process.rpcEndpoint)
        let missing = try RegistryRig.signedFrame("Registry/Register", body: #"{"role":"consumer","legal_name":"Mill","contact":"x"}"#, signer: applicant)
        let missingReply = try WireReply(await peer.exchange([missing]))
        #expect(missingReply.status.code == 3 && missingReply.status.message == "body.licence is required")

        // A duplicate licence: 6.
        #expect(await code { try await client.call(RegistryAPI.register, RegistryRig.generatorRequest(licence: "LIC-A"), signer: applicant) } == 6)

        // Wrong role: 7.
        #expect(await code { try await client.call(RegistryAPI.approve, MemberDecision(memberId: applicant.member), signer: plant) } == 7)

        // A forged signature: the plant's certificate, another key.
        let forger = MemberSigner(memberID: plant.memberID, privateKey: MemberKey.generate(), certificate: plant.certificate)
        #expect(await code { try await client.call(RegistryAPI.publishPlan, .init(month: "2026-12", minMw: 30, maxMw: 90, a: 0.01, b: 8.4, c: 0, k: 1.3), signer: forger) } == 16)

        // A certificate from another CA, for the trading center's own id.
        let otherCA = try CertificateAuthority.create(now: Date())
        let impostorKey = MemberKey.generate()
        let impostor = MemberSigner(
            memberID: MemberIDs.derive(impostorKey.publicKey), privateKey: impostorKey,
            certificate: try otherCA.issue(memberID: MemberIDs.derive(impostorKey.publicKey), role: .tradingCenter, publicKey: impostorKey.publicKey, now: Date())
        )
        #expect(await code { try await client.call(RegistryAPI.approve, MemberDecision(memberId: applicant.member), signer: impostor) } == 16)

        // A stale timestamp: 16.
        let stale = MemberSigner(memberID: plant.memberID, privateKey: plant.privateKey, certificate: plant.certificate) { Date().addingTimeInterval(-3600) }
        #expect(await code { try await client.call(RegistryAPI.publishPlan, .init(month: "2026-12", minMw: 30, maxMw: 90, a: 0.01, b: 8.4, c: 0, k: 1.3), signer: stale) } == 16)

        // Unsigned: 16.
        #expect(await code { try await client.call(RegistryAPI.publishPlan, .init(month: "2026-12", minMw: 30, maxMw: 90, a: 0.01, b: 8.4, c: 0, k: 1.3)) } == 16)

        #expect(try await rig.snapshot() == before, "a refused request changed the registry")

        // A replayed request: the first applies, the identical second is refused.
        let frame = try RegistryRig.signedFrame(
            "Registry/PublishPlan", body: #"{"month":"2027-01","min_mw":30,"max_mw":80,"a":0.01,"b":8.4,"c":0,"k":1.3}"#, signer: plant
        )
        #expect(try WireReply(await peer.exchange([frame])).status.code == 0)
        let afterFirst = try await rig.snapshot()
        #expect(try WireReply(await peer.exchange([frame])).status.code == 16)
        #expect(try await rig.snapshot() == afterFirst)

        // The trading center cannot revoke itself (the market would lose its approver).
        #expect(await code { try await client.call(RegistryAPI.revoke, MemberDecision(memberId: rig.tradingCenter.member, reason: "oops"), signer: rig.tradingCenter) } == 7)
        // A rejected applicant's licence may apply again, with a new key.
        _ = try await client.call(RegistryAPI.register, RegistryRig.generatorRequest(licence: "LIC-AGAIN"), signer: applicant)
        _ = try await client.call(RegistryAPI.reject, MemberDecision(memberId: applicant.member, reason: "incomplete"), signer: rig.tradingCenter)
        let secondKey = MemberKey.generate()
        let second = try await client.call(RegistryAPI.register, RegistryRig.generatorRequest(licence: "LIC-AGAIN"), signer: MemberSigner(memberID: MemberIDs.derive(secondKey.publicKey), privateKey: secondKey, certificate: nil))
        #expect(second.status == .pending)

        // A revoked member: 7 from then on.
        _ = try await client.call(RegistryAPI.revoke, MemberDecision(memberId: plant.member, reason: "licence withdrawn"), signer: rig.tradingCenter)
        let afterRevoke = try await rig.snapshot()
        await #expect(throws: RPCError(.permissionDenied, "member '\(plant.memberID)' is revoked")) {
            try await client.call(RegistryAPI.publishPlan, .init(month: "2026-12", minMw: 30, maxMw: 90, a: 0.01, b: 8.4, c: 0, k: 1.3), signer: plant)
        }
        #expect(try await rig.snapshot() == afterRevoke)
        await rig.process.stop()
    }

    @Test("kill -9 loses nothing acknowledged: members, certificates, plans, the CA, used nonces")
    func survivesKill() async throws {
        let rig = try await RegistryRig()
        let plant = try await rig.admit(RegistryRig.generatorRequest(licence: "LIC-K"))
        let frame = try RegistryRig.signedFrame(
            "Registry/PublishPlan", body: #"{"month":"2027-02","min_mw":30,"max_mw":80,"a":0.01,"b":8.4,"c":0,"k":1.3}"#, signer: plant
        )
        let peer = try RawPeer(.dealer, endpoint: rig.process.rpcEndpoint)
        #expect(try WireReply(await peer.exchange([frame])).status.code == 0)
        // A refused request (no such member yet) keeps its nonce used, across the restart too.
        let laterKey = MemberKey.generate()
        let laterID = MemberIDs.derive(laterKey.publicKey)
        let earlyApproval = try RegistryRig.signedFrame("Registry/Approve", body: #"{"member_id":"\#(laterID)"}"#, signer: rig.tradingCenter)
        #expect(try WireReply(await peer.exchange([earlyApproval])).status.code == 5)
        _ = try await rig.client.call(RegistryAPI.register, RegistryRig.generatorRequest(licence: "LIC-L"), signer: MemberSigner(memberID: laterID, privateKey: laterKey, certificate: nil))
        let before = try await rig.snapshot()
        let authority = try await rig.client.call(RegistryAPI.getAuthority, Empty())

        await rig.process.stop(signal: SIGKILL)
        try rig.process.start()
        try await rig.process.waitHealthy()

        #expect(try await rig.snapshot() == before)
        #expect(try await rig.client.call(RegistryAPI.getAuthority, Empty()).certificate == authority.certificate)
        // The nonce was stored with the plan: a replay after the restart is still refused.
        let fresh = try RawPeer(.dealer, endpoint: rig.process.rpcEndpoint)
        #expect(try WireReply(await fresh.exchange([frame])).status.code == 16)
        #expect(try WireReply(await fresh.exchange([earlyApproval])).status.code == 16)
        #expect(try await rig.client.call(RegistryAPI.getMember, MemberQuery(memberId: MemberID(laterID))).status == .pending)
        // The plant's certificate still works after the restart.
        _ = try await rig.client.call(RegistryAPI.publishPlan, .init(month: "2027-03", minMw: 30, maxMw: 80, a: 0.01, b: 8.4, c: 0, k: 1.3), signer: plant)
        await rig.process.stop()
    }

    @Test("a data directory from before the month rename keeps its plans: period becomes month at start")
    func migratesPeriodToMonth() async throws {
        let rig = try await RegistryRig()
        let plant = try await rig.admit(RegistryRig.generatorRequest(licence: "LIC-M"))
        _ = try await rig.client.call(RegistryAPI.publishPlan, .init(month: "2027-04", minMw: 30, maxMw: 80, a: 0.01, b: 8.4, c: 0, k: 1.3), signer: plant)
        _ = await rig.process.stop()
        // Put the store back as the earlier version left it: the column and the bodies say period,
        // and the rename's migration has not run.
        let database = rig.process.dataDirectory.appendingPathComponent("registry.sqlite").path
        let rewound = try await run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [database, """
            ALTER TABLE plan RENAME COLUMN month TO period;
            ALTER TABLE demand RENAME COLUMN month TO period;
            UPDATE plan SET body = json_set(json_remove(body, '$.month'), '$.period', json_extract(body, '$.month'));
            DELETE FROM grdb_migrations WHERE identifier = 'registry-v2-month';
            """])
        #expect(rewound.status == 0, "\(rewound.error)")
        #expect(try await run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [database, "SELECT body FROM plan"]).output.contains(#""period":"2027-04""#))
        try rig.process.start()
        try await rig.process.waitHealthy()
        let plans = try await rig.client.call(RegistryAPI.listPlans, MonthQuery(month: "2027-04"))
        #expect(plans.plans.map(\.memberId) == [plant.member] && plans.plans.first?.maxMw == 80)
        await rig.process.stop()
    }

    @Test("a revocation is published, and another service's RevocationFeed refuses the member from then on")
    func revocationReachesOtherServices() async throws {
        let rig = try await RegistryRig()
        let plant = try await rig.admit(RegistryRig.generatorRequest(licence: "LIC-R"))
        let registry = try RPCClient(endpoint: rig.process.rpcEndpoint)
        let feed = RevocationFeed(client: registry)
        let follower = feed.follower(events: try EventSubscriber(endpoint: rig.process.eventsEndpoint, rpc: registry), logger: .init(label: "test"))
        let following = Task { try await follower.run() }
        defer { following.cancel() }
        let subscriber = try EventSubscriber(endpoint: rig.process.eventsEndpoint, rpc: rig.client)
        let events = subscriber.subscribe(RegistryAPI.memberRevoked)
        // Another service's authenticator, trusting the same CA and fed by the registry.
        let authenticator = Authenticator(authority: rig.authority, revocations: feed.revocations)
        let body = Data("{}".utf8)
        let context = { RequestContext(method: "Matching/Anything", metadata: try plant.metadata(method: "Matching/Anything", body: body), body: body) }
        #expect(try authenticator.authenticate(context()).memberID == plant.member)

        _ = try await rig.client.call(RegistryAPI.revoke, MemberDecision(memberId: plant.member, reason: "fraud"), signer: rig.tradingCenter)
        let event = try await firstEvent(events)
        #expect(event.body.memberId == plant.member && event.body.reason == "fraud" && !event.body.serial.isEmpty)
        let deadline = ContinuousClock.now + .seconds(10)
        while !feed.revocations.isRevoked(plant.member), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(throws: AuthError.permissionDenied("member '\(plant.memberID)' is revoked")) { try authenticator.authenticate(context()) }
        await rig.process.stop()
    }
}
