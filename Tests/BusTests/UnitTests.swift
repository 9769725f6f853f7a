@testable import Bus
import Foundation
import Testing

@Suite("Pure parts of the bus")
struct UnitTests {
    @Test("the event log keeps the last N per topic and reports truncation")
    func eventLog() {
        var log = EventLog(capacity: 3)
        for n in 1...5 { log.append("A", Data("\(n)".utf8)) }
        log.append("B", Data("b".utf8))
        #expect(log.nextSeq("A") == 6)
        #expect(log.heads == ["A": 5, "B": 1])
        let kept = log.since("A", after: 2, limit: 10)
        #expect(kept.head == 5 && !kept.truncated)
        #expect(kept.frames.map { String(decoding: $0, as: UTF8.self) } == ["3", "4", "5"])
        #expect(log.since("A", after: 1, limit: 10).truncated)
        #expect(log.since("A", after: 3, limit: 1).frames.map { String(decoding: $0, as: UTF8.self) } == ["4"])
        #expect(log.since("A", after: 5, limit: 10).frames.isEmpty)
        #expect(log.since("C", after: 0, limit: 10).head == 0)
        // Any UInt64 is a valid cursor.
        #expect(log.since("A", after: .max, limit: 10).frames.isEmpty)
        #expect(!log.since("A", after: .max, limit: 10).truncated)
    }

    @Test("the event log caps a page by bytes, but always returns at least one event")
    func eventLogBytes() {
        var log = EventLog(capacity: 10)
        for _ in 1...5 { log.append("A", Data(repeating: 1, count: 100)) }
        #expect(log.since("A", after: 0, limit: 10, maxBytes: 250).frames.count == 2)
        #expect(log.since("A", after: 0, limit: 10, maxBytes: 10).frames.count == 1)
    }

    @Test("the event log keeps no more than its bytes per topic, but always the last event, and counts what it keeps")
    func eventLogBounded() {
        var log = EventLog(capacity: 10_000, maxBytes: 1_000)
        for _ in 1...5_000 { log.append("A", Data(repeating: 1, count: 100)) }
        #expect(log.retained.events == 10 && log.retained.bytes == 1_000)
        #expect(log.since("A", after: 4_990, limit: 100).frames.count == 10)
        #expect(log.since("A", after: 4_989, limit: 100).truncated)
        log.append("A", Data(repeating: 2, count: 5_000))
        #expect(log.retained.events == 1 && log.retained.bytes == 5_000, "one event larger than the bound is still kept")
        log.append("B", Data(repeating: 3, count: 10))
        #expect(log.retained.events == 2 && log.retained.bytes == 5_010)
        var counted = EventLog(capacity: 3, maxBytes: 1_000_000)
        for n in 1...5 { counted.append("A", Data(repeating: 1, count: n)) }
        #expect(counted.retained.events == 3 && counted.retained.bytes == 3 + 4 + 5)
    }

    @Test("request heads parse, or say why not")
    func requestHead() throws {
        let head = try RequestHead.parse(Data(#"{"id":"1","method":"A/B","deadline_ms":5,"metadata":{"k":"v"},"body":{}}"#.utf8)).get()
        #expect(head.id == "1" && head.method == "A/B" && head.deadlineMs == 5 && head.metadata == ["k": "v"])
        func problem(_ text: String) -> BadRequest? {
            if case let .failure(bad) = RequestHead.parse(Data(text.utf8)) { return bad }
            return nil
        }
        #expect(problem("nope")?.id == "")
        #expect(problem(#"{"id":"x"}"#)?.message == "request needs a string 'method'")
        #expect(problem(#"{"id":"x","method":"A/B","deadline_ms":1.5}"#)?.message == "'deadline_ms' must be an integer")
        #expect(problem(#"{"id":"x","method":"A/B","deadline_ms":true}"#)?.message == "'deadline_ms' must be an integer")
        #expect(problem(#"{"id":"x","method":"A/B","metadata":{"a":1}}"#)?.message == "'metadata' must be an object of strings")
    }

    @Test("errors map to statuses in one place, leaking nothing")
    func statusMapping() {
        struct Hidden: Error {}
        struct Domain: StatusConvertible {
            var status: Status { Status(code: .failedPrecondition, message: "period closed") }
        }
        #expect(StatusMapping.status(for: Hidden()) == Status(code: .internal, message: "internal error"))
        #expect(StatusMapping.status(for: Domain()).code == 9)
        #expect(StatusMapping.status(for: RPCError(.alreadyExists, "dup")) == Status(code: .alreadyExists, message: "dup"))
    }

    @Test("status codes are gRPC's numbers")
    func codes() {
        #expect(StatusCode.allCases.map(\.rawValue) == Array(0...16))
        #expect(StatusCode.unavailable.description == "UNAVAILABLE")
    }
}
