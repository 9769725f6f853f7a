/// A min-heap of timed events; ties keep insertion order, so a run is a function of the seed alone.
/// The heap moves small entries only; payloads (messages, mostly) stay in a slot array, so sifting
/// never copies or retains them.
struct EventQueue<Payload> {
    private struct Entry {
        let time: UInt64
        let order: UInt64
        let slot: Int

        func precedes(_ other: Entry) -> Bool { time != other.time ? time < other.time : order < other.order }
    }

    private var heap: [Entry] = []
    private var slots: [Payload?] = []
    private var freeSlots: [Int] = []
    private var counter: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: UInt64? { heap.first?.time }

    mutating func push(_ payload: Payload, at time: UInt64) {
        counter += 1
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = payload
        } else {
            slot = slots.count
            slots.append(payload)
        }
        heap.append(Entry(time: time, order: counter, slot: slot))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (time: UInt64, payload: Payload)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count, heap[left].precedes(heap[best]) { best = left }
            if right < heap.count, heap[right].precedes(heap[best]) { best = right }
            guard best != parent else { break }
            heap.swapAt(parent, best)
            parent = best
        }
        guard let payload = slots[top.slot] else { return nil }
        slots[top.slot] = nil
        freeSlots.append(top.slot)
        return (top.time, payload)
    }
}
