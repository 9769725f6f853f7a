import Credentials
import Foundation
import Messages
import Testing

@Suite struct CertificateTests {
    let ca: CertificateAuthority
    let memberKey = MemberKey.generate()

    init() throws {
        ca = try CertificateAuthority.create(now: testNow)
    }

    @Test func issuedCertificateVerifiesWithItsIdentity() throws {
        let certificate = try ca.issue(memberID: "plant-07", role: .generator, publicKey: memberKey.publicKey, now: testNow)
        let identity = try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow + 30 * day)

        #expect(identity.memberID == "plant-07")
        #expect(identity.role == .generator)
        #expect(identity.notAfter == testNow + 365 * day)
        #expect(identity.serial.count <= 32)
        #expect(identity.serial == identity.serial.lowercased())
    }

    @Test(arguments: Role.allCases) func everyRoleRoundTrips(role: Role) throws {
        let certificate = try ca.issue(memberID: "m1", role: role, publicKey: memberKey.publicKey, now: testNow)
        #expect(try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow).role == role)
    }

    @Test func givenSerialIsReported() throws {
        let certificate = try ca.issue(
            memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, serial: .init(bytes: [0x0A, 0xBC]), now: testNow)
        #expect(try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow).serial == "0abc")
    }

    @Test func randomSerialsDiffer() throws {
        let first = try ca.issue(memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        let second = try ca.issue(memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        let firstSerial = try CertificateCheck.verify(first, caCertificate: ca.certificate, now: testNow).serial
        let secondSerial = try CertificateCheck.verify(second, caCertificate: ca.certificate, now: testNow).serial
        #expect(firstSerial != secondSerial)
    }

    @Test(arguments: ["", "has space", "new\nline", "slash/", "ünicode", String(repeating: "a", count: 65)])
    func invalidMemberIDsAreRefused(memberID: String) {
        #expect(throws: CertificateAuthorityError.invalidMemberID(memberID)) {
            try ca.issue(memberID: memberID, role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        }
    }

    @Test func longestValidMemberIDIsAccepted() throws {
        let memberID = String(repeating: "a", count: 64)
        let certificate = try ca.issue(memberID: memberID, role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        #expect(try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow).memberID == MemberID(memberID))
    }

    @Test func certificateFromAnotherCAIsRefused() throws {
        let other = try CertificateAuthority.create(now: testNow)
        let certificate = try other.issue(memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        #expect(throws: CertificateError.notIssuedByCA) {
            try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow)
        }
    }

    @Test func validityWindowIsEnforced() throws {
        let certificate = try ca.issue(
            memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: testNow, validity: 10 * day)
        #expect(throws: CertificateError.notYetValid) {
            try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow - 1)
        }
        #expect(throws: CertificateError.expired) {
            try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow + 10 * day + 1)
        }
        _ = try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow + 10 * day)
    }

    @Test func fractionalIssueTimeIsValidAtOnce() throws {
        let now = testNow + 0.9
        let certificate = try ca.issue(memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: now)
        _ = try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: now)
    }

    @Test func caCertificateIsNotAMemberCertificate() {
        // Self-signed, so the signature check passes and the CA check must catch it.
        #expect(throws: CertificateError.isCA) {
            try CertificateCheck.verify(ca.certificate, caCertificate: ca.certificate, now: testNow)
        }
    }

    @Test func tamperedSignatureIsRefused() throws {
        let certificate = try ca.issue(memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        let der = try CertificateDER.encode(certificate)
        // The last byte is the low byte of the ECDSA signature's `s`.
        let tampered = try CertificateDER.decode(der.flippingByte(at: der.count - 1))
        #expect(throws: CertificateError.notIssuedByCA) {
            try CertificateCheck.verify(tampered, caCertificate: ca.certificate, now: testNow)
        }
    }

    @Test func tamperedSubjectIsRefused() throws {
        let certificate = try ca.issue(memberID: "alice", role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        var der = try CertificateDER.encode(certificate)
        let offset = try #require(der.offset(of: Data("alice".utf8)))
        der[der.startIndex + offset] = UInt8(ascii: "m")  // "mlice": still a well-formed certificate
        let tampered = try CertificateDER.decode(der)
        #expect(throws: CertificateError.notIssuedByCA) {
            try CertificateCheck.verify(tampered, caCertificate: ca.certificate, now: testNow)
        }
    }

    @Test func pemAndBase64RoundTrip() throws {
        let certificate = try ca.issue(memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        let pem = try CertificatePEM.encode(certificate)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(try CertificatePEM.decode(pem) == certificate)
        #expect(try CertificateDER.fromBase64(try CertificateDER.base64(certificate)) == certificate)
        #expect(throws: CertificateError.self) { try CertificatePEM.decode("junk") }
        #expect(throws: CertificateError.unreadable("not base64")) { try CertificateDER.fromBase64("%%%") }
    }

    @Test func caReloadsFromPEM() throws {
        let reloaded = try CertificateAuthority(privateKeyPEM: ca.privateKeyPEM, certificatePEM: ca.certificatePEM)
        #expect(reloaded.certificate == ca.certificate)
        let certificate = try reloaded.issue(memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        _ = try CertificateCheck.verify(certificate, caCertificate: ca.certificate, now: testNow)
    }

    @Test func caReloadRefusesAForeignKey() throws {
        let foreignKey = MemberKey.privateKeyPEM(MemberKey.generate())
        #expect(throws: CertificateAuthorityError.keyMismatch) {
            try CertificateAuthority(privateKeyPEM: foreignKey, certificatePEM: ca.certificatePEM)
        }
    }

    @Test func caReloadRefusesAMemberCertificate() throws {
        let certificate = try ca.issue(memberID: "m1", role: .consumer, publicKey: memberKey.publicKey, now: testNow)
        #expect(throws: CertificateAuthorityError.notAuthority) {
            try CertificateAuthority(
                privateKeyPEM: MemberKey.privateKeyPEM(memberKey), certificatePEM: try CertificatePEM.encode(certificate))
        }
    }

    @Test func errorDescriptionsAreReadable() {
        #expect(CertificateError.notIssuedByCA.description == "certificate was not issued by the trading center's CA")
        #expect(CertificateError.unknownRole("wizard").description == "certificate names an unknown role 'wizard'")
    }
}
