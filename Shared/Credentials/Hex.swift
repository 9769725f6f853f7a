import Foundation

extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte: the spelling the request scheme, certificate serials and
    /// contract hashes use. A table lookup: contracts hash several parts on every check.
    public var lowercaseHex: String {
        var text = [UInt8]()
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

/// `count` bytes from the system's cryptographically secure generator, for nonces and serials.
func secureRandomBytes(count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}
