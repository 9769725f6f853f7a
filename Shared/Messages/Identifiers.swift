/// A typed identifier: a plain JSON string on the wire, its own type in code, so a member id can
/// never be passed where an order id is meant. Conformers only name their type.
public protocol Identifier: RawRepresentable<String>, Codable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral, CodingKeyRepresentable
{
    init(rawValue: String)
}

public extension Identifier {
    init(_ value: String) { self.init(rawValue: value) }
    init(stringLiteral value: String) { self.init(rawValue: value) }
    init(from decoder: any Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    var description: String { rawValue }
    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    // As dictionary keys they encode as a JSON object's keys, like the strings they replace.
    var codingKey: any CodingKey { IdentifierKey(stringValue: rawValue) }
    init?<Key: CodingKey>(codingKey: Key) { self.init(rawValue: codingKey.stringValue) }
}

private struct IdentifierKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A member: `m-` and 16 hex digits of the SHA-256 of its public key (docs/protocol.md, "Member ids").
public struct MemberID: Identifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A trade order, as matching numbers it.
public struct OrderID: Identifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A round of the cooperative game.
public struct RoundID: Identifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A contract on the ledger: `ct-` and its trade order's id.
public struct ContractID: Identifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A proposal put to the data centers' vote.
public struct ProposalID: Identifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}
