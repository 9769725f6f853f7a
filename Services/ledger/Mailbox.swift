import Consensus
import LedgerCore
import Synchronization

/// Everything that changes a data center's state arrives here and is handled by the turn loop
/// alone, in arrival order: peers' messages, clock ticks, clients' transactions, blocks read
/// for a peer, blocks downloaded by catch-up.
enum NodeInput: Sendable {
    /// For the core as it is.
    case core(Input)
    /// A client's transaction; `reply` learns after the turn whether the core took it.
    case submit(Transaction, reply: CheckedContinuation<SubmitOutcome, Never>)
    /// Blocks a catch-up source sent for the heights after `after`.
    case downloaded(DownloadedBlocks)
}

/// A catch-up batch and who waits for the verdict.
struct DownloadedBlocks: Sendable {
    let blocks: [CommittedBlock]
    /// The height the source was asked to continue from.
    let after: UInt64
    let reply: CheckedContinuation<CatchUpVerdict, Never>
}

/// What catch-up does after a batch.
enum CatchUpVerdict: Sendable, Equatable {
    /// Ask the same source for the blocks from this height.
    case continueFrom(UInt64)
    /// Done with this source: nothing new, seated, or the node stopped.
    case done
    /// The source sent a block that does not verify.
    case refused(ChainDefect)
}

/// Where inputs wait for the next turn. Any task may post; one task (the turn loop) takes them,
/// all that is there at once, so one durable write covers many inputs.
final class Mailbox<Element: Sendable>: Sendable {
    /// The queue, the most it held since the last `takePeak`, and the bytes of peers' deliveries in
    /// it (`InboundBacklog`: past its bound a peer's delivery is dropped).
    private let queue = Mutex<(elements: [Element], peak: Int, backlog: InboundBacklog)>(([], 0, InboundBacklog()))
    /// Peers' deliveries dropped because the backlog was full, since start.
    private let dropped = Atomic<Int>(0)
    /// One pending wake is enough: a turn takes everything queued when it starts.
    let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init() {
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func post(_ element: Element) {
        queue.withLock { queue in
            queue.elements.append(element)
            queue.peak = max(queue.peak, queue.elements.count)
        }
        wake.yield()
    }

    func post(_ elements: some Sequence<Element>) {
        queue.withLock { queue in
            queue.elements.append(contentsOf: elements)
            queue.peak = max(queue.peak, queue.elements.count)
        }
        wake.yield()
    }

    /// Posts a peer's delivery of `bytes` bytes, unless what waits already passes the backlog's bound.
    func postDelivery(_ elements: [Element], bytes: Int) {
        let taken = queue.withLock { queue in
            guard queue.backlog.admit(bytes: bytes) else { return false }
            queue.elements.append(contentsOf: elements)
            queue.peak = max(queue.peak, queue.elements.count)
            return true
        }
        if taken { wake.yield() } else { dropped.add(1, ordering: .relaxed) }
    }

    var droppedDeliveries: Int { dropped.load(ordering: .relaxed) }

    /// The most inputs that waited at once since the last call (for the memory gauges).
    func takePeak() -> Int {
        queue.withLock { queue in
            defer { queue.peak = queue.elements.count }
            return queue.peak
        }
    }

    /// Everything posted so far, in order; the mailbox is empty after.
    func drain() -> [Element] {
        queue.withLock { queue in
            defer {
                queue.elements.removeAll(keepingCapacity: true)
                queue.backlog.drained()
            }
            return queue.elements
        }
    }
}
