import CZeroMQ
import Foundation

/// A libzmq socket. Not `Sendable`: libzmq sockets must stay on the thread that uses them,
/// so every socket of the bus lives inside one `PollLoop` thread.
public final class ZMQSocket {
    public enum Kind: Sendable {
        case router, dealer, req, rep, pub, sub

        var raw: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .req: ZMQ_REQ
            case .rep: ZMQ_REP
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            }
        }
    }

    let handle: UnsafeMutableRawPointer

    public init(_ kind: Kind, context: ZMQContext = .shared) throws {
        guard let handle = zmq_socket(context.handle, kind.raw) else { throw ZMQError("zmq_socket") }
        self.handle = handle
        // Closing must never block a thread on unsent messages.
        try set(ZMQ_LINGER, 0)
    }

    deinit { zmq_close(handle) }

    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("bind \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError("connect \(endpoint)") }
    }

    /// The endpoint actually bound, e.g. the port chosen for `tcp://127.0.0.1:*`.
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return "" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func set(_ option: Int32, _ value: Int32) throws {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError("setsockopt \(option)")
        }
    }

    public func set(_ option: Int32, int64 value: Int64) throws {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError("setsockopt \(option)")
        }
    }

    public func set(_ option: Int32, bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw ZMQError("setsockopt \(option)") }
    }

    /// Sends a multipart message. Returns false when it would block (no peer, or high-water mark).
    @discardableResult
    public func send(_ frames: [Data], dontWait: Bool = true) throws -> Bool {
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
            if index < frames.count - 1 { flags |= ZMQ_SNDMORE }
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                let error = zmq_errno()
                if error == EINTR { continue }
                // libzmq queues a multipart message atomically, so EAGAIN can only come on the first frame.
                if error == EAGAIN && index == 0 { return false }
                throw ZMQError("send", errno: error)
            }
        }
        return true
    }

    /// Receives one whole multipart message, or nil when none is waiting (with `dontWait`).
    public func receive(dontWait: Bool = true) throws -> [Data]? {
        var frames: [Data] = []
        var message = zmq_msg_t()
        while true {
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let rc = zmq_msg_recv(&message, handle, dontWait ? ZMQ_DONTWAIT : 0)
            if rc < 0 {
                let error = zmq_errno()
                if error == EINTR { continue }
                if error == EAGAIN && frames.isEmpty { return nil }
                throw ZMQError("receive", errno: error)
            }
            let size = zmq_msg_size(&message)
            if size == 0 {
                frames.append(Data())
            } else {
                frames.append(Data(bytes: zmq_msg_data(&message), count: size))
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }
}

/// Socket options by name, so callers outside this module never need the C constants.
public extension ZMQSocket {
    func setReceiveTimeout(milliseconds: Int32) throws { try set(ZMQ_RCVTIMEO, milliseconds) }
    func setMaxMessageSize(_ bytes: Int64) throws { try set(ZMQ_MAXMSGSIZE, int64: bytes) }
    func setHighWaterMarks(_ messages: Int32) throws {
        try set(ZMQ_SNDHWM, messages)
        try set(ZMQ_RCVHWM, messages)
    }
    /// Queue outgoing messages only on completed connections, so a send to a dead peer fails at once.
    /// How long a closed socket keeps trying to send what it still holds.
    func setLinger(milliseconds: Int32) throws { try set(ZMQ_LINGER, milliseconds) }
    func setImmediate(_ on: Bool) throws { try set(ZMQ_IMMEDIATE, on ? 1 : 0) }
    func subscribe(_ topic: String) throws { try set(ZMQ_SUBSCRIBE, bytes: Array(topic.utf8)) }
    func unsubscribe(_ topic: String) throws { try set(ZMQ_UNSUBSCRIBE, bytes: Array(topic.utf8)) }
}
