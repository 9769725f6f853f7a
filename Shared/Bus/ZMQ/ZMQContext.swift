import CZeroMQ
import Foundation

/// The process's libzmq context. libzmq contexts are thread-safe; sockets are not.
/// One context per process: it lives as long as the process, so it is never terminated.
public final class ZMQContext: @unchecked Sendable {
    public static let shared = ZMQContext()

    let handle: UnsafeMutableRawPointer

    /// Ends libzmq for this process, waiting at most `timeout` for sockets closed with a linger
    /// to hand their last messages (a shutting-down server's final replies) to the network.
    /// Call it once, at exit: no socket can be made afterwards.
    public func terminate(waitingAtMost timeout: Duration) {
        let done = DispatchSemaphore(value: 0)
        let handle = UInt(bitPattern: self.handle)
        Thread {
            zmq_ctx_term(UnsafeMutableRawPointer(bitPattern: handle))
            done.signal()
        }.start()
        _ = done.wait(timeout: .now() + .milliseconds(Int(timeout.wholeMilliseconds)))
    }

    private init() {
        guard let handle = zmq_ctx_new() else { fatalError("zmq_ctx_new failed: out of memory") }
        self.handle = handle
    }
}
