import Consensus
import LedgerRules

/// The membership that orders the blocks after `baseHeight`, and this data center's seat in it.
public struct Seating: Sendable, Equatable {
    public let seats: [DataCenterSeat]
    /// The last block the membership before this one ordered (0 for the founders).
    public let baseHeight: UInt64
    /// This data center's position among `seats`; nil while it holds none (admitted and not yet
    /// in force, or voted out).
    public let index: Int?

    public init(seats: [DataCenterSeat], baseHeight: UInt64, index: Int?) {
        self.seats = seats
        self.baseHeight = baseHeight
        self.index = index
    }

    /// The membership ordering the block after `height`, by the chain's own record of passed
    /// changes (`memberships`, founders first), and the seat `ownKey` (base64 x9.63, as seats
    /// list keys) holds in it.
    public static func ordering(after height: UInt64, memberships: [Membership], ownKey: String) -> Seating {
        let membership = LedgerRules.membership(ordering: height + 1, in: memberships)
        return Seating(seats: membership.seats, baseHeight: membership.after, index: membership.seats.firstIndex { $0.publicKey == ownKey })
    }

    public var isSeated: Bool { index != nil }

    /// The data center that leads `view` in this membership.
    public func primary(of view: UInt64) -> Int { seats.isEmpty ? 0 : Int(view % UInt64(seats.count)) }
}
