import Foundation

/// Finds the exact bytes of a request's top-level `"body"` value inside its frame, without
/// re-encoding: signatures cover those bytes as the client sent them (docs/protocol.md,
/// "Signed requests"). Runs only on frames that already parsed as JSON.
enum BodyBytes {
    /// The bytes of the `body` value; `{}` when the request has none (an absent body reads as `{}`).
    static func find(in frame: Data) -> Data {
        let bytes = [UInt8](frame)
        var scanner = Scanner(bytes: bytes)
        guard let span = scanner.topLevelValue(named: Array("body".utf8)) else { return Data("{}".utf8) }
        let value = Data(bytes[span])
        return value == Data("null".utf8) ? Data("{}".utf8) : value
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        mutating func topLevelValue(named name: [UInt8]) -> Range<Int>? {
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return nil }
            while true {
                skipWhitespace()
                guard let key = string() else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                let start = index
                guard skipValue() else { return nil }
                if Array(bytes[key]) == name { return start..<index }
                skipWhitespace()
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// A string's contents (between the quotes, escapes left as they are).
        private mutating func string() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<(index - 1)
                default: index += 1
                }
            }
            return nil
        }

        private mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                // A number or a literal runs to the next delimiter.
                let start = index
                while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                    index += 1
                }
                return index > start
            }
        }
    }
}
