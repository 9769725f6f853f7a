import Credentials
import Foundation
import Testing

/// Our certificates and keys must be usable by standard tools, so members can inspect and
/// produce them with openssl.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
struct OpenSSLInteropTests {
    @Test func opensslVerifiesOurMemberCertificate() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = Date()
        let ca = try CertificateAuthority.create(now: now)
        let member = try ca.issue(memberID: "plant-07", role: .generator, publicKey: MemberKey.generate().publicKey, now: now)
        try ca.certificatePEM.write(to: directory.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        try CertificatePEM.encode(member).write(
            to: directory.appendingPathComponent("member.pem"), atomically: true, encoding: .utf8)

        let result = try openssl(["verify", "-CAfile", "ca.pem", "member.pem"], in: directory)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("member.pem: OK"))

        let subject = try openssl(["x509", "-in", "member.pem", "-noout", "-subject", "-nameopt", "RFC2253"], in: directory)
        #expect(subject.output.contains("CN=plant-07,OU=generator,O=GridTrade"), "\(subject.output)")
    }

    @Test func opensslRefusesACertificateFromAnotherCA() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = Date()
        let ca = try CertificateAuthority.create(now: now)
        let other = try CertificateAuthority.create(now: now)
        let member = try other.issue(memberID: "intruder", role: .consumer, publicKey: MemberKey.generate().publicKey, now: now)
        try ca.certificatePEM.write(to: directory.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        try CertificatePEM.encode(member).write(
            to: directory.appendingPathComponent("member.pem"), atomically: true, encoding: .utf8)

        let result = try openssl(["verify", "-CAfile", "ca.pem", "member.pem"], in: directory)
        #expect(result.status != 0, "\(result.output)")
    }

    @Test func opensslReadsOurKeyFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = MemberKey.generate()
        try MemberKey.write(privateKey: key, to: directory.appendingPathComponent("key.pem").path)

        #expect(try openssl(["pkey", "-in", "key.pem", "-noout"], in: directory).status == 0)
        let publicPEM = try openssl(["pkey", "-in", "key.pem", "-pubout"], in: directory)
        #expect(publicPEM.status == 0)
        #expect(try MemberKey.loadPublicKey(pem: publicPEM.output).derRepresentation == key.publicKey.derRepresentation)
    }

    @Test func opensslGeneratedKeyLoads() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try openssl(
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem"], in: directory)
        #expect(generated.status == 0, "\(generated.output)")

        let key = try MemberKey.readPrivateKey(from: directory.appendingPathComponent("key.pem").path)
        let publicPEM = try openssl(["pkey", "-in", "key.pem", "-pubout"], in: directory)
        #expect(try MemberKey.loadPublicKey(pem: publicPEM.output).derRepresentation == key.publicKey.derRepresentation)
    }
}
