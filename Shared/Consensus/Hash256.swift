import Crypto
import Foundation

/// A SHA-256 digest. JSON: 64 lowercase hex digits (other byte strings are base64).
public struct Hash256: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let bytes: Data

    /// `bytes` must be 32 bytes long; `decode` and `sha256` are the checked ways in.
    public init?(_ bytes: Data) {
        guard bytes.count == 32 else { return nil }
        self.bytes = Data(bytes)
    }

    private init(unchecked bytes: Data) { self.bytes = bytes }

    /// The previous hash of block 1.
    public static let zero = Hash256(unchecked: Data(repeating: 0, count: 32))

    public static func sha256(_ data: Data) -> Hash256 {
        Hash256(unchecked: Data(SHA256.hash(data: data)))
    }

    public static func sha256(_ bytes: [UInt8]) -> Hash256 {
        Hash256(unchecked: Data(SHA256.hash(data: bytes)))
    }

    /// JSON: 64 lowercase hex digits, as ids and hashes are written everywhere on the wire.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let hash = Hash256(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a hash is 64 hex digits")
        }
        self = hash
    }

    /// From 64 hex digits (either case), as ids and hashes are written on the wire and in logs.
    public init?(hex: String) {
        guard hex.utf8.count == 64, let bytes = Self.bytes(hex: hex) else { return nil }
        self.bytes = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    private static func bytes(hex: String) -> Data? {
        var bytes = Data(capacity: 32)
        var high: UInt8?
        for unit in hex.utf8 {
            let value: UInt8
            switch unit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = unit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = unit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = unit - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    /// A SHA-256 is uniformly distributed, so its first 8 bytes are as good a hash as all 32 (and
    /// much cheaper: transaction ids are looked up many times per transaction).
    public func hash(into hasher: inout Hasher) {
        var prefix: UInt64 = 0
        for byte in bytes.prefix(8) { prefix = prefix << 8 | UInt64(byte) }
        hasher.combine(prefix)
    }

    public static func == (lhs: Hash256, rhs: Hash256) -> Bool { lhs.bytes == rhs.bytes }

    public static func < (lhs: Hash256, rhs: Hash256) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public var hex: String {
        // Table lookup: ids are written as hex on every reply and event, and String(format:) per byte is slow.
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { String(hex.prefix(12)) }
}
