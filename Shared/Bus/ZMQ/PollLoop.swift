import CZeroMQ
import Foundation
import Synchronization

/// What runs inside a `PollLoop` thread: it owns that thread's sockets and is never touched elsewhere.
protocol PollDriver<Command>: AnyObject {
    associatedtype Command: Sendable

    /// Sockets polled for input, in a fixed order.
    var sockets: [ZMQSocket] { get }
    /// `sockets[index]` has input.
    func readable(_ index: Int)
    /// Commands posted by other threads, in posting order.
    func handle(_ commands: [Command])
    /// When `tick` next wants to run; nil for "only on input or commands".
    func nextTick() -> ContinuousClock.Instant?
    func tick(now: ContinuousClock.Instant)
}

extension PollDriver {
    func nextTick() -> ContinuousClock.Instant? { nil }
    func tick(now: ContinuousClock.Instant) {}
}

/// One OS thread per group of sockets, outside Swift's cooperative pool, because `zmq_poll` blocks.
/// Other threads talk to it only through `post`, which queues a command and rings an eventfd.
final class PollLoop<Command: Sendable>: Sendable {
    private let mailbox = Mutex<[Command]>([])
    private let stopping = Atomic<Bool>(false)
    private let wakeup: Wakeup
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread, builds the driver on it, and returns once the driver is ready
    /// (so a bind error surfaces here, to the caller).
    init(name: String, makeDriver: @escaping @Sendable () throws -> any PollDriver<Command>) throws {
        let wakeup = try Wakeup()
        self.wakeup = wakeup
        let started = DispatchSemaphore(value: 0)
        let startError = Locked<(any Error)?>(nil)
        let thread = Thread { [self] in
            let driver: any PollDriver<Command>
            do {
                driver = try makeDriver()
            } catch {
                startError.withLock { $0 = error }
                started.signal()
                finished.signal()
                return
            }
            started.signal()
            run(driver)
            finished.signal()
        }
        thread.name = name
        thread.start()
        started.wait()
        if let error = startError.withLock({ $0 }) { throw error }
    }

    func post(_ command: Command) {
        mailbox.withLock { $0.append(command) }
        wakeup.ring()
    }

    /// Handles what is already posted, then ends the thread and closes its sockets. Waits for it.
    func stop() {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) { return }
        wakeup.ring()
        finished.wait()
    }

    private func run(_ driver: any PollDriver<Command>) {
        var items = driver.sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        items.append(zmq_pollitem_t(socket: nil, fd: wakeup.fd, events: Int16(ZMQ_POLLIN), revents: 0))
        let wakeIndex = items.count - 1
        let clock = ContinuousClock()
        while true {
            var timeout: Int = -1
            // Asked once per turn: a driver may answer "now + interval", which must fall due.
            let next = driver.nextTick()
            if let next {
                // Rounded up, so the poll never ends before `next` is due.
                // Capped, so a far deadline cannot overflow the milliseconds.
                let remaining = min(clock.now.duration(to: next), .seconds(3600))
                let nanoseconds = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
                timeout = max(0, Int((nanoseconds + 999_999) / 1_000_000))
            }
            let count = items.count
            let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32(count), timeout) }
            if rc < 0 && zmq_errno() != EINTR { break }
            if items[wakeIndex].revents != 0 { wakeup.drain() }
            // Commands first: a reply posted before `stop` is still sent.
            let commands = mailbox.withLock { box -> [Command] in
                let taken = box
                box.removeAll(keepingCapacity: true)
                return taken
            }
            if !commands.isEmpty { driver.handle(commands) }
            if stopping.load(ordering: .acquiring) { break }
            if rc > 0 {
                for index in 0..<wakeIndex where items[index].revents & Int16(ZMQ_POLLIN) != 0 {
                    driver.readable(index)
                }
            }
            if let next, next <= clock.now { driver.tick(now: clock.now) }
        }
    }
}
