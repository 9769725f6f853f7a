import Crypto
import Foundation
import Messages

/// A member's id is derived from its public key, so a client knows its id before it registers
/// and one key can never stand for two members.
/// `MemberIDs.derive` returns the id as a string, for the ledger side, which holds member ids as
/// strings; `MemberID(publicKey:)` is the typed id.
public enum MemberIDs {
    public static func derive(_ key: P256.Signing.PublicKey) -> String {
        derive(publicKeyDER: key.derRepresentation)
    }

    public static func derive(publicKeyDER: Data) -> String {
        "m-" + SHA256.hash(data: publicKeyDER).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

extension MemberID {
    /// The id of the member that holds `key`'s private key.
    public init(publicKey key: P256.Signing.PublicKey) { self.init(rawValue: MemberIDs.derive(key)) }
}
