import Foundation

extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte: the spelling the request scheme and certificate serials use.
    var lowercaseHex: String {
        map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined()
    }
}

/// `count` bytes from the system's cryptographically secure generator, for nonces and serials.
func secureRandomBytes(count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}
