import CZeroMQ

/// The process's libzmq context. libzmq contexts are thread-safe; sockets are not.
/// One context per process: it lives as long as the process, so it is never terminated.
public final class ZMQContext: @unchecked Sendable {
    public static let shared = ZMQContext()

    let handle: UnsafeMutableRawPointer

    private init() {
        guard let handle = zmq_ctx_new() else { fatalError("zmq_ctx_new failed: out of memory") }
        self.handle = handle
    }
}
