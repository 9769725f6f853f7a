/// A value that is a plain JSON string on the wire and its own type in code: typed ids and the
/// delivery month. Decoding takes any string; what a valid one looks like is each type's rule,
/// checked where a rule can name the field and say why.
public protocol StringValue: RawRepresentable<String>, Codable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral, CodingKeyRepresentable
{
    init(rawValue: String)
}

public extension StringValue {
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
    var codingKey: any CodingKey { StringValueKey(stringValue: rawValue) }
    init?<Key: CodingKey>(codingKey: Key) { self.init(rawValue: codingKey.stringValue) }
}

private struct StringValueKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A typed identifier, so a member id can never be passed where an order id is meant.
/// Conformers only name their type.
public protocol Identifier: StringValue {}

/// A member: `m-` and 16 hex digits of the SHA-256 of its public key (docs/protocol.md, "Member ids").
public struct MemberID: Identifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let maxLength = 64

    /// The spelling rule for member ids. Ids end up in certificate subjects, log lines, file names
    /// and the signed request message (where a newline would let one field pose as another), so
    /// they are kept to a plain, unambiguous alphabet: 1 to 64 characters from `A-Z a-z 0-9 . _ -`.
    public static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...maxLength).contains(bytes.count) && bytes.allSatisfy(isAllowed)
    }

    public var isValid: Bool { Self.isValid(rawValue) }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
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
