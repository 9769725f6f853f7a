import Bus
import Foundation

/// Plain libzmq REQ/REP on loopback, on two threads of their own: the floor the bus is compared with.
enum RawBaseline {
    static func run(requests: Int, payload: Data) throws -> LatencySummary {
        let ready = DispatchSemaphore(value: 0)
        let endpoint = HandOff<String>("")
        let server = Thread {
            guard let socket = try? ZMQSocket(.rep), (try? socket.bind("tcp://127.0.0.1:*")) != nil else { return }
            endpoint.set(socket.lastEndpoint)
            ready.signal()
            // Echo until the client says it is done.
            while let frames = try? socket.receive(dontWait: false) {
                _ = try? socket.send(frames, dontWait: false)
                if frames.first?.isEmpty == true { return }
            }
        }
        server.start()
        ready.wait()

        let client = try ZMQSocket(.req)
        try client.connect(endpoint.get())
        var samples: [Duration] = []
        samples.reserveCapacity(requests)
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<requests {
            let sent = clock.now
            try client.send([payload], dontWait: false)
            _ = try client.receive(dontWait: false)
            samples.append(sent.duration(to: clock.now))
        }
        let elapsed = started.duration(to: clock.now)
        try client.send([Data()], dontWait: false)
        _ = try client.receive(dontWait: false)
        return LatencySummary(name: "libzmq REQ/REP (raw)", elapsed: elapsed, samples: samples, requests: requests)
    }
}

/// A value handed from the server thread to the benchmark.
final class HandOff<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
