import Foundation

/// The SUB socket of a subscriber, on its own thread.
final class SubscriberDriver: PollDriver {
    enum Command: Sendable {
        case subscribe(String)
        case unsubscribe(String)
    }

    let sockets: [ZMQSocket]
    private let onMessage: @Sendable (_ topic: String, _ frame: Data) -> Void

    init(endpoint: String, onMessage: @escaping @Sendable (String, Data) -> Void) throws {
        let socket = try ZMQSocket(.sub)
        try socket.setHighWaterMarks(100_000)
        try socket.connect(endpoint)
        sockets = [socket]
        self.onMessage = onMessage
    }

    func readable(_ index: Int) {
        for _ in 0..<1024 {
            guard let frames = try? sockets[0].receive() else { return }
            guard frames.count == 2 else { continue }
            onMessage(String(decoding: frames[0], as: UTF8.self), frames[1])
        }
    }

    func handle(_ commands: [Command]) {
        for command in commands {
            // libzmq counts subscriptions per topic, so paired subscribe/unsubscribe calls nest.
            switch command {
            case let .subscribe(topic): try? sockets[0].subscribe(topic)
            case let .unsubscribe(topic): try? sockets[0].unsubscribe(topic)
            }
        }
    }
}
