import LedgerCore
import Testing

/// Issue 13, item 6: what a data center holds for a peer that does not answer is bounded.
@Suite("What is outstanding to one peer is bounded")
struct DeliveryWindowTests {
    /// Which of `sizes` the window admits, in order (`#expect` cannot call a mutating method).
    static func admitted(_ sizes: [Int], into window: inout DeliveryWindow) -> [Bool] {
        sizes.map { window.admit(bytes: $0) }
    }

    @Test("a peer that answers nothing gets at most the window's deliveries, however many are sent")
    func silentPeer() {
        var window = DeliveryWindow(maxDeliveries: 64, maxBytes: 1 << 20)
        let sent = Self.admitted(Array(repeating: 1_000, count: 10_000), into: &window).count(where: { $0 })
        #expect(sent == 64)
        #expect(window.deliveries == 64 && window.bytes == 64_000)
    }

    @Test("bytes bound the window too, and an answer makes room again")
    func bytes() {
        var window = DeliveryWindow(maxDeliveries: 64, maxBytes: 10_000)
        let first = Self.admitted([6_000, 6_000, 4_000, 1], into: &window)
        #expect(first == [true, false, true, false])
        window.settle(bytes: 6_000)
        let again = Self.admitted([6_000], into: &window)
        #expect(again == [true])
        #expect(window.deliveries == 2 && window.bytes == 10_000)
    }

    @Test("one delivery larger than the bound goes when nothing else is outstanding, and only then")
    func oversized() {
        var window = DeliveryWindow(maxDeliveries: 64, maxBytes: 10_000)
        let first = Self.admitted([50_000, 1], into: &window)
        #expect(first == [true, false])
        window.settle(bytes: 50_000)
        #expect(window.deliveries == 0 && window.bytes == 0)
        let then = Self.admitted([1, 50_000], into: &window)
        #expect(then == [true, false])
    }

    @Test("settling more than was admitted never goes below empty")
    func settleFloor() {
        var window = DeliveryWindow()
        window.settle(bytes: 100)
        #expect(window.deliveries == 0 && window.bytes == 0)
        #expect(window.maxDeliveries == DeliveryWindow.defaultMaxDeliveries && window.maxBytes == DeliveryWindow.defaultMaxBytes)
    }
}

/// Issue 13, item 6: what waits for a data center's turn is bounded, whatever its peers send.
@Suite("Peers' messages waiting for a turn are bounded")
struct InboundBacklogTests {
    static func admitted(_ sizes: [Int], into backlog: inout InboundBacklog) -> [Bool] {
        sizes.map { backlog.admit(bytes: $0) }
    }

    @Test("a flood between two turns is cut at the bound; the turn makes room for the next")
    func flood() {
        var backlog = InboundBacklog(maxBytes: 1 << 20)
        let kept = Self.admitted(Array(repeating: 40_000, count: 1_000), into: &backlog).count(where: { $0 })
        #expect(kept == 26)
        #expect(backlog.bytes == 26 * 40_000)
        backlog.drained()
        #expect(backlog.bytes == 0)
        let next = Self.admitted([40_000], into: &backlog)
        #expect(next == [true])
    }

    @Test("a delivery larger than the bound is taken when nothing else waits")
    func oversized() {
        var backlog = InboundBacklog(maxBytes: 1_000)
        let taken = Self.admitted([5_000, 1], into: &backlog)
        #expect(taken == [true, false])
        #expect(InboundBacklog().maxBytes == InboundBacklog.defaultMaxBytes)
    }
}
