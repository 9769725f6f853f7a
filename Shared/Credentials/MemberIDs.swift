import Crypto
import Foundation

/// A member's id is derived from its public key, so a client knows its id before it registers
/// and one key can never stand for two members.
public enum MemberIDs {
    public static func derive(_ key: P256.Signing.PublicKey) -> String {
        derive(publicKeyDER: key.derRepresentation)
    }

    public static func derive(publicKeyDER: Data) -> String {
        "m-" + SHA256.hash(data: publicKeyDER).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
