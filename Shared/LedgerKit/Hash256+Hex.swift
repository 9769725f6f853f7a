import Consensus
import Foundation

public extension Hash256 {
    /// From 64 hex digits, as ids and hashes are written on the wire and in logs.
    init?(hex: String) {
        guard hex.count == 64 else { return nil }
        var bytes = Data(capacity: 32)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
