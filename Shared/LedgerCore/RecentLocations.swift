import Consensus

/// Where the transactions of the last `window` certified heights landed: what a data center
/// keeps in memory to answer `Ledger/Submit` and `Ledger/GetTransaction` at once; older ones are
/// looked up in its store. Heights come in order (the chain, then each certified block).
public struct RecentLocations: Sendable {
    public let window: UInt64
    private var locations: [TransactionID: TransactionLocation] = [:]
    private var byHeight: [UInt64: [TransactionID]] = [:]
    /// Heights at or below this have been forgotten.
    private var forgotten: UInt64 = 0

    public init(window: UInt64) { self.window = max(1, window) }

    public mutating func record(_ id: TransactionID, at location: TransactionLocation) {
        locations[id] = location
        byHeight[location.height, default: []].append(id)
        guard location.height > window else { return }
        let oldest = location.height - window
        while forgotten < oldest {
            forgotten += 1
            for old in byHeight.removeValue(forKey: forgotten) ?? [] where locations[old]?.height == forgotten {
                locations.removeValue(forKey: old)
            }
        }
    }

    public func location(of id: TransactionID) -> TransactionLocation? { locations[id] }

    /// Ids remembered.
    public var count: Int { locations.count }

    /// The lowest height still remembered whole: an id stored below it is not here.
    public var oldestHeight: UInt64 { forgotten + 1 }
}

/// Which transaction ids may be stored: a Bloom filter of fixed size over every committed id, so
/// the shell asks its store only about ids that may be there (an id of a new transaction almost
/// never is). A false positive costs one store read; there are no false negatives. Transaction
/// ids are SHA-256 digests, so their own bytes serve as the filter's hash functions.
public struct TransactionFilter: Sendable {
    private var words: [UInt64]
    private let mask: UInt64
    /// Hash functions: four 32-bit slices of the id.
    private static let probes = 4

    /// `bits` is rounded up to a power of two; the default (2^25, 4 MiB) keeps false positives
    /// under 4% up to 5 million transactions.
    public init(bits: Int = 1 << 25) {
        var size = 64
        while size < bits { size <<= 1 }
        words = Array(repeating: 0, count: size / 64)
        mask = UInt64(size - 1)
    }

    public mutating func insert(_ id: TransactionID) {
        for bit in positions(id) { words[Int(bit >> 6)] |= 1 << (bit & 63) }
    }

    public func mayContain(_ id: TransactionID) -> Bool {
        positions(id).allSatisfy { words[Int($0 >> 6)] & (1 << ($0 & 63)) != 0 }
    }

    private func positions(_ id: TransactionID) -> [UInt64] {
        let bytes = id.bytes
        return (0..<Self.probes).map { probe in
            let start = bytes.startIndex + probe * 4
            let slice = bytes[start..<start + 4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return slice & mask
        }
    }
}
