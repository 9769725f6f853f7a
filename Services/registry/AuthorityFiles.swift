import Credentials
import Foundation

/// The trading center's CA key and certificate, in the registry's data directory: `ca-key.pem`
/// (mode 0600) and `ca.pem`, made at first start. `ca.pem` is what `openssl verify -CAfile` takes.
enum AuthorityFiles {
    static func loadOrCreate(in directory: URL) throws -> CertificateAuthority {
        let keyFile = directory.appendingPathComponent("ca-key.pem")
        let certificateFile = directory.appendingPathComponent("ca.pem")
        let manager = FileManager.default
        if manager.fileExists(atPath: keyFile.path), manager.fileExists(atPath: certificateFile.path) {
            return try CertificateAuthority(
                privateKeyPEM: String(contentsOf: keyFile, encoding: .utf8),
                certificatePEM: String(contentsOf: certificateFile, encoding: .utf8)
            )
        }
        let authority = try CertificateAuthority.create(now: Date())
        // The key first, private from the start; the certificate last, so a crash in between
        // leaves no certificate without its key and the next start makes a fresh pair.
        guard manager.createFile(atPath: keyFile.path, contents: Data(authority.privateKeyPEM.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: keyFile.path])
        }
        try Data(authority.certificatePEM.utf8).write(to: certificateFile, options: .atomic)
        return authority
    }
}
