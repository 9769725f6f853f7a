extension Duration {
    /// Whole milliseconds, for APIs that take them (zmq_poll, deadline_ms).
    var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
