import Foundation

public extension Date {
    /// Unix time in whole milliseconds, as every timestamp on the wire (`time_ms`, `*_at_ms`,
    /// `gt-timestamp`) is written. Rounded down, so it is never ahead of the clock.
    var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    init(unixMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(unixMilliseconds) / 1000) }
}
