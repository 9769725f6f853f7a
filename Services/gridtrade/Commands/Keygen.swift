import ArgumentParser
import Auth
import Credentials
import Foundation

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a member's P-256 key pair; the private key never leaves this file.",
        discussion: "Prints the member id the key gives (the registry derives the same one)."
    )

    @Option(help: "Where to write the private key (PEM, mode 0600).")
    var out: String

    @Option(help: "Also write the public key (PEM) here, e.g. for the registry's trading center key.")
    var publicOut: String?

    func run() throws {
        for path in [out, publicOut].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path) exists; keys are never overwritten")
        }
        let key = MemberKey.generate()
        try MemberKey.write(privateKey: key, to: out)
        if let publicOut { try Data((MemberKey.publicKeyPEM(key.publicKey) + "\n").utf8).write(to: URL(fileURLWithPath: publicOut)) }
        print(MemberIDs.derive(key.publicKey))
    }
}
