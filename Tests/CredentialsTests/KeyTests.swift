import Credentials
import Foundation
import Testing

@Suite struct KeyTests {
    @Test func privateKeyPEMRoundTrips() throws {
        let key = MemberKey.generate()
        let pem = MemberKey.privateKeyPEM(key)
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let loaded = try MemberKey.loadPrivateKey(pem: pem)
        #expect(loaded.rawRepresentation == key.rawRepresentation)
    }

    @Test func publicKeyPEMRoundTrips() throws {
        let key = MemberKey.generate().publicKey
        let pem = MemberKey.publicKeyPEM(key)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let loaded = try MemberKey.loadPublicKey(pem: pem)
        #expect(loaded.derRepresentation == key.derRepresentation)
    }

    @Test func garbageIsRefused() {
        #expect(throws: KeyError.self) { try MemberKey.loadPrivateKey(pem: "not a key") }
        let publicPEM = MemberKey.publicKeyPEM(MemberKey.generate().publicKey)
        #expect(throws: KeyError.self) { try MemberKey.loadPrivateKey(pem: publicPEM) }
    }

    @Test func keyFileIsOwnerOnlyAndRoundTrips() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("member.key").path
        // An existing, world-readable file must end up 0600 as well.
        #expect(FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644]))

        let key = MemberKey.generate()
        try MemberKey.write(privateKey: key, to: path)

        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try MemberKey.readPrivateKey(from: path).rawRepresentation == key.rawRepresentation)
    }

    @Test func missingKeyFileIsATypedError() {
        #expect {
            try MemberKey.readPrivateKey(from: "/nonexistent/member.key")
        } throws: { error in
            guard case KeyError.fileRead(let path, _) = error else { return false }
            return path == "/nonexistent/member.key"
        }
    }
}
