import Crypto
import Foundation
import Messages

/// The ids of what a signed request creates are named by that request: a bilateral order by its
/// creator's `Matching/CreateOrder`, a round by its consumer's `Matching/OpenRound`. So one
/// signature names one order (or one round) and nothing else, and anyone holding the kept
/// signature can check that the order it is attached to is the one it made.
///
///     id = prefix + "-" + lowercase hex of the first 8 bytes of
///          SHA-256("GRIDTRADE-" + kind + "-ID-V1\n" + member id + "\n" + nonce)
///
/// with kind `ORDER` (prefix `o`) or `ROUND` (prefix `r`). A (member, nonce) pair is used once
/// (the services refuse a replayed nonce), so ids do not collide.
public enum ConsentIDs {
    public static func order(createdBy member: MemberID, nonce: String) -> OrderID {
        OrderID("o-" + digest("ORDER", member, nonce))
    }

    public static func round(openedBy member: MemberID, nonce: String) -> RoundID {
        RoundID("r-" + digest("ROUND", member, nonce))
    }

    private static func digest(_ kind: String, _ member: MemberID, _ nonce: String) -> String {
        let message = "GRIDTRADE-\(kind)-ID-V1\n\(member.rawValue)\n\(nonce)"
        return SHA256.hash(data: Data(message.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
