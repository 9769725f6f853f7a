/// One page of a contract listing: up to `limit` contracts by `updated_at` (stable, so in the
/// order first recorded within a height), then the rest of the last height taken, so that asking
/// again from `nextFromHeight` misses none and repeats none.
public struct ContractPage: Sendable, Equatable {
    public let contracts: [ContractRecord]
    /// Nil when nothing was left out.
    public let nextFromHeight: UInt64?

    public init(_ contracts: [ContractRecord], limit: Int) {
        let ordered = contracts.enumerated().sorted { ($0.element.updatedAt, $0.offset) < ($1.element.updatedAt, $1.offset) }.map(\.element)
        guard ordered.count > limit, limit > 0 else {
            self.contracts = ordered
            nextFromHeight = nil
            return
        }
        let last = ordered[limit - 1].updatedAt
        let taken = ordered.prefix { $0.updatedAt <= last }
        self.contracts = Array(taken)
        nextFromHeight = taken.count < ordered.count ? last + 1 : nil
    }
}
