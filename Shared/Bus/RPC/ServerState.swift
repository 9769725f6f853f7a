/// Where a server stands: whether it takes requests, and why not.
enum ServerState: Sendable {
    /// Bound, but its owner has not said it is ready: handlers may still be missing.
    case starting
    case serving
    /// `shutdown()` was called: requests in hand are answered, new ones refused.
    case stopping
}
