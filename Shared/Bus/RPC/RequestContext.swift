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
    /// The exact bytes of the request's `body` value as the client sent them (`{}` if it sent
    /// none): what a request signature covers, and what the handler's request is decoded from.
    public let bodyBytes: Data

    init(id: String, method: String, metadata: [String: String], deadline: ContinuousClock.Instant?, logger: Logger, frame: Data) {
        self.id = id
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
        self.logger = logger
        bodyBytes = BodyBytes.find(in: frame)
    }

    /// A context for a request with this body, as if it had arrived: for checks run outside a
    /// server, such as tests of an authenticator.
    public init(method: String, metadata: [String: String], body: Data) {
        let frame = (try? Wire.requestFrame(RequestEnvelope(id: "local", method: method, metadata: metadata), body: body)) ?? Data()
        self.init(id: "local", method: method, metadata: metadata, deadline: nil, logger: Logger(label: "gridtrade.local"), frame: frame)
    }
}
