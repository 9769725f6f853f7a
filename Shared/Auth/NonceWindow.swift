import Foundation
import Messages
import Synchronization

/// Refuses a (member, nonce) pair seen within the window. Requests older than the window are
/// refused by their timestamp anyway, so the window bounds the memory.
final class NonceWindow: Sendable {
    private let seen = Mutex<[String: Int64]>([:])
    private let windowMs: Int64

    init(windowMs: Int64) { self.windowMs = windowMs }

    /// False if the pair was already used.
    func claim(member: MemberID, nonce: String, timestampMs: Int64, nowMs: Int64) -> Bool {
        seen.withLock { seen in
            if seen.count > 10_000 { seen = seen.filter { $0.value > nowMs - windowMs } }
            let key = member.rawValue + "/" + nonce
            if seen[key] != nil { return false }
            seen[key] = timestampMs + windowMs
            return true
        }
    }
}
