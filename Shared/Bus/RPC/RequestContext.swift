import Logging

/// What a handler knows about the call it serves.
public struct RequestContext: Sendable {
    public let id: String
    public let method: String
    public let metadata: [String: String]
    /// When the caller stops waiting, if it said (`deadline_ms` after arrival).
    public let deadline: ContinuousClock.Instant?
    public let logger: Logger
}
