import Foundation

/// The ROUTER socket of a server, on its own thread: frames in go to `onRequest`, replies come back as commands.
final class RouterDriver: PollDriver {
    enum Command: Sendable { case send([Data]) }

    let sockets: [ZMQSocket]
    private let onRequest: @Sendable ([Data]) -> Void

    init(endpoint: String, maxMessageBytes: Int64, onRequest: @escaping @Sendable ([Data]) -> Void) throws {
        let socket = try ZMQSocket(.router)
        // libzmq drops a connection that sends a bigger frame, before it reaches us.
        try socket.setMaxMessageSize(maxMessageBytes)
        try socket.setHighWaterMarks(100_000)
        try socket.bind(endpoint)
        sockets = [socket]
        self.onRequest = onRequest
    }

    var boundEndpoint: String { sockets[0].lastEndpoint }

    func readable(_ index: Int) {
        // Bounded batch, so replies queued meanwhile are not starved.
        for _ in 0..<1024 {
            guard let frames = try? sockets[0].receive() else { return }
            onRequest(frames)
        }
    }

    func handle(_ commands: [Command]) {
        for case let .send(frames) in commands {
            // ROUTER never blocks: a reply to a vanished client is dropped by libzmq.
            _ = try? sockets[0].send(frames)
        }
    }
}
