/// A data center's index in the configuration, 0 ..< n. The primary of view v is v mod n.
public struct ReplicaID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let index: Int

    public init(_ index: Int) { self.index = index }
    public init(integerLiteral value: Int) { index = value }

    public init(from decoder: any Decoder) throws {
        index = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(index)
    }

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool { lhs.index < rhs.index }

    public var description: String { "dc\(index)" }
}
