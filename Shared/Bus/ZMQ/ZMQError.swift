import CZeroMQ

/// A failed libzmq call, with the operation and libzmq's own text for errno.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let errno: Int32

    init(_ operation: String, errno: Int32 = zmq_errno()) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(errno)))"
    }
}
