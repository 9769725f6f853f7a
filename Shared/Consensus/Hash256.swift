import Crypto
import Foundation

/// A SHA-256 digest. JSON: base64 of the 32 bytes, like every `Data` field here.
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

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let data = try container.decode(Data.self)
        guard data.count == 32 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a hash is 32 bytes")
        }
        bytes = data
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(bytes)
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
