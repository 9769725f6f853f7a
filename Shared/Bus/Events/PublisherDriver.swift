import Foundation

/// The PUB socket of a service, on its own thread; also sends the heartbeat.
final class PublisherDriver: PollDriver {
    enum Command: Sendable { case publish(topic: String, frame: Data) }

    /// PUB takes no input; the loop polls only its eventfd.
    let sockets: [ZMQSocket] = []
    let boundEndpoint: String
    private let socket: ZMQSocket
    private let heartbeatInterval: Duration
    private let heartbeat: @Sendable () -> Data?
    private var nextHeartbeat: ContinuousClock.Instant

    init(endpoint: String, heartbeatInterval: Duration, heartbeat: @escaping @Sendable () -> Data?) throws {
        socket = try ZMQSocket(.pub)
        try socket.setHighWaterMarks(100_000)
        try socket.setLinger(milliseconds: 500)
        try socket.bind(endpoint)
        boundEndpoint = socket.lastEndpoint
        self.heartbeatInterval = heartbeatInterval
        self.heartbeat = heartbeat
        nextHeartbeat = .now + heartbeatInterval
    }

    func readable(_ index: Int) {}

    func handle(_ commands: [Command]) {
        for case let .publish(topic, frame) in commands {
            // PUB drops on a full queue rather than block; subscribers recover through Events/Since.
            _ = try? socket.send([Data(topic.utf8), frame])
        }
    }

    func nextTick() -> ContinuousClock.Instant? { nextHeartbeat }

    func tick(now: ContinuousClock.Instant) {
        nextHeartbeat = now + heartbeatInterval
        if let frame = heartbeat() { _ = try? socket.send([Data(Heartbeat.topic.utf8), frame]) }
    }
}
