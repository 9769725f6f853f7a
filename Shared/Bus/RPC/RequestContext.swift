import Foundation
import Logging

/// What a handler knows about the call it serves.
public struct RequestContext: Sendable {
    public let id: String
    public let method: String
    public let metadata: [String: String]
    /// When the caller stops waiting, if it said (`deadline_ms` after arrival).
    public let deadline: ContinuousClock.Instant?
    public let logger: Logger
    /// The request frame as received.
    let frame: Data

    /// The exact bytes of the request's `body` value as the client sent them (`{}` if it sent
    /// none): what a request signature covers.
    public var bodyBytes: Data { BodyBytes.find(in: frame) }
}
