import CZeroMQ
import Glibc

/// An eventfd that other threads ring to wake a thread blocked in `zmq_poll`.
final class Wakeup: Sendable {
    let fd: Int32

    init() throws {
        let fd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard fd >= 0 else { throw ZMQError("eventfd", errno: errno) }
        self.fd = fd
    }

    deinit { close(fd) }

    func ring() {
        var one: UInt64 = 1
        _ = write(fd, &one, MemoryLayout<UInt64>.size)
    }

    func drain() {
        var count: UInt64 = 0
        _ = read(fd, &count, MemoryLayout<UInt64>.size)
    }
}
