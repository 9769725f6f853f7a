import Consensus
import Credentials
import Crypto
import Foundation

/// The data centers' keys. Each node signs with its own P-256 key; every node knows all public
/// keys, in node order, from one members file: the PEM public keys concatenated, node 1 first.
/// `gridtrade ledger keygen` writes both; the file is what an operator distributes.
public enum DataCenterKeys {
    public static func readMembers(from path: String) throws -> [P256.Signing.PublicKey] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let blocks = text.components(separatedBy: "-----END PUBLIC KEY-----")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
            .map { $0 + "\n-----END PUBLIC KEY-----\n" }
        return try blocks.map { try MemberKey.loadPublicKey(pem: $0) }
    }

    public static func membersPEM(_ keys: [P256.Signing.PublicKey]) -> String {
        keys.map(MemberKey.publicKeyPEM).joined()
    }

    /// Makes `count` node keys: `node-K.pem` (private, 0600) and `members.pem` in `directory`.
    public static func generate(count: Int, in directory: URL) throws -> [P256.Signing.PrivateKey] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keys = (0..<count).map { _ in MemberKey.generate() }
        for (index, key) in keys.enumerated() {
            try MemberKey.write(privateKey: key, to: directory.appendingPathComponent("node-\(index + 1).pem").path)
        }
        try Data(membersPEM(keys.map(\.publicKey)).utf8).write(to: directory.appendingPathComponent("members.pem"))
        return keys
    }
}
