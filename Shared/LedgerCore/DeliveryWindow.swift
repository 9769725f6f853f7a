/// What one data center may have outstanding to one peer: deliveries (`Ledger/Deliver` calls)
/// sent and not yet answered. A stopped, slow or partitioned peer answers nothing, and without a
/// bound everything sent to it would wait in its link (a view change carrying prepared batches is
/// megabytes, and it is sent again with every status) until the peer came back, and then arrive
/// at once. So past `maxDeliveries` or `maxBytes` outstanding, a delivery to that peer is dropped
/// instead of sent: consensus tolerates lost messages (statuses, retransmission, view changes and
/// state transfer bring a peer that missed some up to date), and nothing else is sent this way.
/// A delivery bigger than `maxBytes` is sent when nothing else is outstanding, so none is too big
/// to send at all. Pure: the shell says what it sends and when each one ends.
public struct DeliveryWindow: Sendable, Equatable {
    public static let defaultMaxDeliveries = 64
    public static let defaultMaxBytes = 4 << 20

    public let maxDeliveries: Int
    public let maxBytes: Int
    public private(set) var deliveries = 0
    public private(set) var bytes = 0

    public init(maxDeliveries: Int = DeliveryWindow.defaultMaxDeliveries, maxBytes: Int = DeliveryWindow.defaultMaxBytes) {
        self.maxDeliveries = max(1, maxDeliveries)
        self.maxBytes = max(1, maxBytes)
    }

    /// Whether a delivery of `size` bytes may be sent now; if so it counts as outstanding until `settle`.
    public mutating func admit(bytes size: Int) -> Bool {
        guard deliveries == 0 || (deliveries < maxDeliveries && bytes + size <= maxBytes) else { return false }
        deliveries += 1
        bytes += size
        return true
    }

    /// A delivery admitted earlier was answered, failed, or was abandoned with its link.
    public mutating func settle(bytes size: Int) {
        deliveries = max(0, deliveries - 1)
        bytes = max(0, bytes - size)
    }
}
