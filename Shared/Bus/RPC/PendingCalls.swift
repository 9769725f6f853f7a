import Foundation

/// The calls a client has in flight, by request id, with their deadlines.
/// Shared by callers (who add and cancel) and the client's socket thread (which completes and expires).
final class PendingCalls: Sendable {
    struct Reply: Sendable {
        let head: ReplyHead
        let frame: Data
    }

    private struct Call {
        let continuation: CheckedContinuation<Reply, any Error>
        let deadline: ContinuousClock.Instant
        /// Until the request is handed to a connected peer, failure means UNAVAILABLE.
        var sent = false
        /// A request not handed to a peer by then fails UNAVAILABLE even if its deadline is later.
        let connectBy: ContinuousClock.Instant
    }

    private let calls = Locked<[String: Call]>([:])
    private let closed = Locked(false)

    func add(_ id: String, deadline: ContinuousClock.Instant, connectBy: ContinuousClock.Instant, _ continuation: CheckedContinuation<Reply, any Error>) {
        let accepted = closed.withLock { isClosed in
            guard !isClosed else { return false }
            calls.withLock { $0[id] = Call(continuation: continuation, deadline: deadline, connectBy: min(connectBy, deadline)) }
            return true
        }
        if !accepted { continuation.resume(throwing: RPCError(.unavailable, "client is closed")) }
    }

    func contains(_ id: String) -> Bool { calls.withLock { $0[id] != nil } }

    func markSent(_ id: String) { calls.withLock { $0[id]?.sent = true } }

    func complete(_ reply: Reply) {
        calls.withLock { $0.removeValue(forKey: reply.head.id) }?.continuation.resume(returning: reply)
    }

    func fail(_ id: String, _ error: any Error) {
        calls.withLock { $0.removeValue(forKey: id) }?.continuation.resume(throwing: error)
    }

    /// Fails every call whose time is up: DEADLINE_EXCEEDED if the server had it, UNAVAILABLE if no server took it.
    func expire(now: ContinuousClock.Instant) {
        let expired = calls.withLock { calls -> [(Call, StatusCode)] in
            var expired: [(Call, StatusCode)] = []
            for (id, call) in calls {
                if call.sent, call.deadline <= now {
                    expired.append((call, .deadlineExceeded))
                    calls[id] = nil
                } else if !call.sent, call.connectBy <= now {
                    expired.append((call, .unavailable))
                    calls[id] = nil
                }
            }
            return expired
        }
        for (call, code) in expired {
            let message = code == .unavailable ? "no server reachable" : "deadline exceeded"
            call.continuation.resume(throwing: RPCError(code, message))
        }
    }

    /// The earliest moment `expire` has something to do.
    func nextExpiry() -> ContinuousClock.Instant? {
        calls.withLock { calls in calls.values.map { $0.sent ? $0.deadline : $0.connectBy }.min() }
    }

    func closeAll() {
        closed.withLock { $0 = true }
        let all = calls.withLock { calls in
            defer { calls.removeAll() }
            return Array(calls.values)
        }
        for call in all { call.continuation.resume(throwing: RPCError(.unavailable, "client is closed")) }
    }
}
