import Auth
import Bus
import Credentials
import Crypto
import Foundation
import Messages
import Testing

/// A CA, a trading center and a generator with certificates, and an authenticator trusting the CA.
struct Fixture {
    let authority: CertificateAuthority
    let revocations = RevocationSet()
    let authenticator: Authenticator
    let generatorKey = MemberKey.generate()
    let generator: MemberSigner
    let tradingCenterKey = MemberKey.generate()
    let tradingCenter: MemberSigner

    init(now: @escaping @Sendable () -> Date = Date.init) throws {
        authority = try CertificateAuthority.create(now: Date())
        authenticator = Authenticator(authority: authority.certificate, revocations: revocations, now: now)
        generator = try Self.signer(authority, generatorKey, .generator)
        tradingCenter = try Self.signer(authority, tradingCenterKey, .tradingCenter)
    }

    static func signer(_ authority: CertificateAuthority, _ key: P256.Signing.PrivateKey, _ role: Role, clock: @escaping @Sendable () -> Date = Date.init) throws -> MemberSigner {
        let id = MemberIDs.derive(key.publicKey)
        return MemberSigner(memberID: id, privateKey: key, certificate: try authority.issue(memberID: id, role: role, publicKey: key.publicKey, now: Date()), clock: clock)
    }

    func context(_ signer: any RequestSigner, method: String = RegistryAPI.publishPlan.name, body: String = #"{"period":"2026-12"}"#) throws -> RequestContext {
        RequestContext(method: method, metadata: try signer.metadata(method: method, body: Data(body.utf8)), body: Data(body.utf8))
    }
}

func refusal(_ body: () throws(AuthError) -> Void) -> AuthError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

@Suite("The authenticator every service runs")
struct AuthenticatorTests {
    @Test("a request signed by an admitted member authenticates as that member and role")
    func valid() throws {
        let fixture = try Fixture()
        let caller = try fixture.authenticator.authenticate(fixture.context(fixture.generator))
        #expect(caller.memberID == fixture.generator.member)
        #expect(caller.role == .generator)
        try fixture.authenticator.authorize(caller, RegistryAPI.publishPlan.name)
    }

    @Test("a body changed after signing is refused with 16")
    func tamperedBody() throws {
        let fixture = try Fixture()
        let signed = try fixture.context(fixture.generator)
        let tampered = RequestContext(method: signed.method, metadata: signed.metadata, body: Data(#"{"period":"2027-01"}"#.utf8))
        #expect(refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticate(tampered) }?.status.code == 16)
    }

    @Test("a forged signature (another key, same certificate) is refused with 16")
    func forged() throws {
        let fixture = try Fixture()
        let honest = try fixture.generator.metadata(method: RegistryAPI.publishPlan.name, body: Data("{}".utf8))
        let forger = MemberSigner(memberID: fixture.generator.memberID, privateKey: MemberKey.generate(), certificate: nil)
        var forged = try forger.metadata(method: RegistryAPI.publishPlan.name, body: Data("{}".utf8))
        forged["gt-public-key"] = nil
        forged["gt-cert"] = honest["gt-cert"]
        let context = RequestContext(method: RegistryAPI.publishPlan.name, metadata: forged, body: Data("{}".utf8))
        let error = refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticate(context) }
        #expect(error == .unauthenticated("signature does not verify"))
    }

    @Test("a certificate from another CA is refused with 16")
    func otherAuthority() throws {
        let fixture = try Fixture()
        let stranger = try Fixture.signer(try CertificateAuthority.create(now: Date()), MemberKey.generate(), .tradingCenter)
        let context = try fixture.context(stranger)
        let error = refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticate(context) }
        #expect(error?.status.code == 16)
        #expect(error?.status.message.contains("certificate refused") == true)
    }

    @Test("the wrong role is refused with 7 by the permission table")
    func wrongRole() throws {
        let fixture = try Fixture()
        let caller = try fixture.authenticator.authenticate(fixture.context(fixture.generator, method: RegistryAPI.approve.name))
        let error = refusal { () throws(AuthError) in try fixture.authenticator.authorize(caller, RegistryAPI.approve.name) }
        #expect(error == .permissionDenied("a generator may not call Registry/Approve"))
        let center = try fixture.authenticator.authenticate(fixture.context(fixture.tradingCenter, method: RegistryAPI.approve.name))
        try fixture.authenticator.authorize(center, RegistryAPI.approve.name)
    }

    @Test("a revoked member is refused with 7")
    func revoked() throws {
        let fixture = try Fixture()
        fixture.revocations.add(Revocation(memberId: fixture.generator.member, serial: "", reason: "fraud", revokedAtMs: 0))
        let context = try fixture.context(fixture.generator)
        let error = refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticate(context) }
        #expect(error == .permissionDenied("member '\(fixture.generator.memberID)' is revoked"))
    }

    @Test("the same signed request twice: the second is refused with 16")
    func replayed() throws {
        let fixture = try Fixture()
        let context = try fixture.context(fixture.generator)
        _ = try fixture.authenticator.authenticate(context)
        let error = refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticate(context) }
        #expect(error == .unauthenticated("replayed request (nonce already used)"))
    }

    @Test("a timestamp outside the clock skew is refused with 16", arguments: [-400.0, 400.0])
    func staleOrFuture(_ offsetSeconds: Double) throws {
        let fixture = try Fixture()
        let skewed = try Fixture.signer(fixture.authority, MemberKey.generate(), .generator) { Date().addingTimeInterval(offsetSeconds) }
        let context = try fixture.context(skewed)
        let error = refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticate(context) }
        #expect(error?.status.code == 16)
        #expect(error?.status.message.contains("gt-timestamp") == true)
    }

    @Test("missing or malformed metadata is refused with 16, naming the entry")
    func malformed() throws {
        let fixture = try Fixture()
        var metadata = try fixture.generator.metadata(method: RegistryAPI.publishPlan.name, body: Data("{}".utf8))
        metadata["gt-nonce"] = nil
        let missing = RequestContext(method: RegistryAPI.publishPlan.name, metadata: metadata, body: Data("{}".utf8))
        #expect(refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticate(missing) }?.status.message.contains("gt-nonce") == true)
        let none = RequestContext(method: RegistryAPI.publishPlan.name, metadata: [:], body: Data("{}".utf8))
        #expect(refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticate(none) }?.status.code == 16)
    }

    @Test("a registration authenticates with the key it registers, under the id that key gives")
    func registration() throws {
        let fixture = try Fixture()
        let key = MemberKey.generate()
        let applicant = MemberSigner(memberID: MemberIDs.derive(key.publicKey), privateKey: key, certificate: nil)
        let accepted = try fixture.authenticator.authenticateRegistration(fixture.context(applicant, method: RegistryAPI.register.name))
        #expect(accepted.memberID == MemberID(publicKey: key.publicKey))
        let impostor = MemberSigner(memberID: "m-0000000000000000", privateKey: key, certificate: nil)
        let context = try fixture.context(impostor, method: RegistryAPI.register.name)
        let error = refusal { () throws(AuthError) in _ = try fixture.authenticator.authenticateRegistration(context) }
        #expect(error?.status.code == 16)
    }
}
