import Foundation

public extension Date {
    /// Unix time in whole milliseconds, as every timestamp on the wire (`time_ms`, `*_at_ms`,
    /// `gt-timestamp`) is written. Rounded down, so it is never ahead of the clock.
    var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    init(unixMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(unixMilliseconds) / 1000) }
}

extension Duration {
    /// Whole milliseconds, for APIs that take them (zmq_poll, deadline_ms).
    var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
