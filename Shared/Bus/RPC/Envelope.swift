import Foundation

/// The wire format: one JSON frame per request and per reply (docs/protocol.md, "Envelope").
enum Wire {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static let decoder = JSONDecoder()

    static func encode(_ value: some Encodable) throws -> Data { try encoder.encode(value) }
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try decoder.decode(type, from: data) }

    /// A request frame with `body` spliced in as given, so a signature over those bytes holds.
    static func requestFrame(_ head: RequestEnvelope, body: Data) throws -> Data {
        try encode(head).dropLast() + Data(#","body":"#.utf8) + body + Data("}".utf8)
    }
}

/// `{"id", "method", "deadline_ms"?, "metadata"?}`: a request without its body, which the
/// client splices in as encoded bytes.
struct RequestEnvelope: Encodable {
    var id: String
    var method: String
    var deadlineMs: Int?
    var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, method, metadata
        case deadlineMs = "deadline_ms"
    }
}

/// The part of a request the server reads before it knows the body's type.
struct RequestHead: Decodable, Sendable {
    var id: String
    var method: String
    var deadlineMs: Int?
    var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, method, metadata
        case deadlineMs = "deadline_ms"
    }

    /// Deadlines beyond a day are taken as a day.
    static let maxDeadlineMs = 86_400_000

    /// Parses a request frame, or says why it is not one (with the id when it can be recovered).
    static func parse(_ frame: Data) -> Result<RequestHead, BadRequest> {
        if let head = try? Wire.decode(RequestHead.self, from: frame) { return .success(head) }
        // Slow path, only for bad requests: find what is wrong, for the message.
        guard case let .object(fields)? = try? Wire.decode(JSONValue.self, from: frame) else {
            return .failure(BadRequest(id: "", message: "request is not a JSON object"))
        }
        guard case let .string(id)? = fields["id"] else { return .failure(BadRequest(id: "", message: "request needs a string 'id'")) }
        guard case .string? = fields["method"] else { return .failure(BadRequest(id: id, message: "request needs a string 'method'")) }
        switch fields["deadline_ms"] {
        case nil, .null?: break
        case .integer?: break
        default: return .failure(BadRequest(id: id, message: "'deadline_ms' must be an integer"))
        }
        return .failure(BadRequest(id: id, message: "'metadata' must be an object of strings"))
    }
}

/// A frame that is not a request: answered INVALID_ARGUMENT with the id, if any.
struct BadRequest: Error {
    var id: String
    var message: String
}

/// `{"id", "status": {"code", "message"}, "body": object or null}` as the server sends it.
struct ReplyEnvelope: Encodable {
    var id: String
    var status: Status
    var body: (any Encodable)?

    enum CodingKeys: String, CodingKey { case id, status, body }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        if let body { try container.encode(body, forKey: .body) } else { try container.encodeNil(forKey: .body) }
    }
}

/// The part of a reply the client reads to find the waiting call.
struct ReplyHead: Decodable, Sendable {
    var id: String
    var status: Status
}

struct ReplyBody<Body: Decodable>: Decodable {
    var body: Body
}
