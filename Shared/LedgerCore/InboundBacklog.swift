/// Peers' messages waiting for a data center's next turn, counted in the bytes they arrived as.
/// The turn takes everything queued at once, but a data center coming back from a pause (or
/// slowed by a state transfer) is sent a flood of retransmissions: every peer's new-view (three
/// view changes with their prepared batches: megabytes) and pre-prepares again with every status,
/// faster than it can handle them. Past `maxBytes` queued, a peer's delivery is dropped on
/// arrival, as a lost message would be (the next status brings what is still needed). Clients'
/// transactions and downloaded blocks are never counted or dropped: someone waits for each.
/// A delivery bigger than the bound is taken when nothing else is queued. Pure.
public struct InboundBacklog: Sendable, Equatable {
    public static let defaultMaxBytes = 8 << 20

    public let maxBytes: Int
    public private(set) var bytes = 0

    public init(maxBytes: Int = InboundBacklog.defaultMaxBytes) { self.maxBytes = max(1, maxBytes) }

    /// Whether a delivery of `size` bytes may be queued; if so it counts until the next turn takes it.
    public mutating func admit(bytes size: Int) -> Bool {
        guard bytes == 0 || bytes + size <= maxBytes else { return false }
        bytes += size
        return true
    }

    /// The turn took everything queued.
    public mutating func drained() { bytes = 0 }
}
