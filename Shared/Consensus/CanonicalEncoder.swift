import Foundation

/// The byte writer behind every canonical encoding in this module: what gets hashed and signed.
///
/// Rules (shared by blocks, transactions and consensus messages, so a client in another language
/// needs only these): unsigned integers are fixed-width big-endian; a byte string is a u32
/// big-endian length followed by the bytes; a 32-byte hash is written raw, without a length;
/// a list is a u32 count followed by its elements; an optional is one byte 0 (absent) or 1
/// (present) followed by the value; a domain tag is its ASCII bytes followed by one 0x00 byte.
public struct CanonicalEncoder: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func u8(_ value: UInt8) { bytes.append(value) }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// A length-prefixed byte string.
    public mutating func data(_ value: Data) {
        u32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// A hash, raw: its width is fixed.
    public mutating func hash(_ value: Hash256) { bytes.append(contentsOf: value.bytes) }

    /// A domain tag, so bytes signed for one purpose can never be replayed as another.
    public mutating func tag(_ value: StaticString) {
        value.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(0)
    }

    public mutating func list<Element>(_ values: [Element], _ element: (inout CanonicalEncoder, Element) -> Void) {
        u32(UInt32(values.count))
        for value in values { element(&self, value) }
    }

    public mutating func optional<Wrapped>(_ value: Wrapped?, _ element: (inout CanonicalEncoder, Wrapped) -> Void) {
        guard let value else { return u8(0) }
        u8(1)
        element(&self, value)
    }

    public var data: Data { Data(bytes) }
}

/// A value with one canonical byte form.
public protocol CanonicallyEncodable {
    func encode(to encoder: inout CanonicalEncoder)
}

extension CanonicallyEncodable {
    public var canonicalBytes: Data {
        var encoder = CanonicalEncoder()
        encode(to: &encoder)
        return encoder.data
    }
}
