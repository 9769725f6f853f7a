import Foundation

/// The DEALER socket of a client, on its own thread. With ZMQ_IMMEDIATE a send fails while no
/// server is connected; such requests wait here until one is, or until `PendingCalls` gives up on them.
final class DealerDriver: PollDriver {
    enum Command: Sendable { case send(id: String, frame: Data) }

    let sockets: [ZMQSocket]
    private let pending: PendingCalls
    private var unsent: [(id: String, frame: Data)] = []
    /// When to try the unsent requests again (no server was connected).
    private var retryAt: ContinuousClock.Instant?
    private static let retryInterval: Duration = .milliseconds(5)

    init(endpoint: String, maxMessageBytes: Int64, pending: PendingCalls) throws {
        let socket = try ZMQSocket(.dealer)
        try socket.setImmediate(true)
        try socket.setMaxMessageSize(maxMessageBytes)
        try socket.setHighWaterMarks(100_000)
        try socket.connect(endpoint)
        sockets = [socket]
        self.pending = pending
    }

    func readable(_ index: Int) {
        for _ in 0..<1024 {
            guard let frames = try? sockets[0].receive() else { return }
            // A DEALER reply is the server's frame alone; anything else is not for us.
            guard let frame = frames.last, let head = try? Wire.decode(ReplyHead.self, from: frame) else { continue }
            pending.complete(PendingCalls.Reply(head: head, frame: frame))
        }
    }

    func handle(_ commands: [Command]) {
        for case let .send(id, frame) in commands { unsent.append((id, frame)) }
        flush()
    }

    func nextTick() -> ContinuousClock.Instant? {
        let expiry = pending.nextExpiry()
        guard let retryAt else { return expiry }
        return expiry.map { min($0, retryAt) } ?? retryAt
    }

    func tick(now: ContinuousClock.Instant) {
        if let retryAt, retryAt <= now {
            self.retryAt = nil
            flush()
        }
        pending.expire(now: now)
    }

    private func flush() {
        var done = 0
        defer { unsent.removeFirst(done) }
        for request in unsent {
            guard pending.contains(request.id) else { done += 1; continue }
            do {
                guard try sockets[0].send([request.frame]) else {
                    retryAt = retryAt ?? .now + Self.retryInterval
                    return
                }
                pending.markSent(request.id)
            } catch {
                pending.fail(request.id, RPCError(.internal, "send failed: \(error)"))
            }
            done += 1
        }
    }
}
