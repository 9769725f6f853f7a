import Bus
import Testing

/// The next `count` events of a stream, failing the test after `timeout` instead of hanging.
public func take<P>(_ count: Int, from stream: AsyncThrowingStream<Event<P>, any Error>, timeout: Duration = .seconds(10)) async throws -> [Event<P>] {
    try await withThrowingTaskGroup(of: [Event<P>]?.self) { group in
        group.addTask {
            var taken: [Event<P>] = []
            for try await event in stream {
                taken.append(event)
                if taken.count == count { break }
            }
            return taken
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try #require(try await group.next() ?? nil, "timed out waiting for \(count) events")
    }
}

/// The next event of a stream, failing the test after `timeout`.
public func firstEvent<P>(_ stream: AsyncThrowingStream<Event<P>, any Error>, timeout: Duration = .seconds(10)) async throws -> Event<P> {
    try #require(try await take(1, from: stream, timeout: timeout).first)
}
