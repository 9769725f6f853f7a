import Consensus
import LedgerRules

/// When a data center's consensus core gives way to the next membership's, and what carries over.
///
/// A passed membership change takes effect after its activation height: every block up to it is
/// ordered and certified by the old data centers, every later one by the new (see
/// `GovernancePolicy.activationHeight`). Once the block at that height is certified here, the
/// old core's log means nothing to the new membership: the new core starts at view 0 with its
/// own keys and quorum, its log a single snapshot holding the transactions clients submitted
/// here and that are still waiting.
public enum MembershipSwitch {
    /// With the chain certified through `height`: nil while `running` is the membership that
    /// orders the next block, else the change to make. `waiting` are the running core's
    /// transactions submitted here and not yet executed.
    public static func decide(
        running: Seating, height: UInt64, memberships: [Membership], ownKey: String, waiting: [Transaction]
    ) -> MembershipChange? {
        let next = Seating.ordering(after: height, memberships: memberships, ownKey: ownKey)
        guard next.baseHeight != running.baseHeight else { return nil }
        let snapshot = Snapshot(view: 0, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: waiting)
        // Voted out: the waiting transactions go to the data centers that still order; their
        // waiters here are answered as the chain this one now follows brings them.
        let handOver = next.isSeated || waiting.isEmpty ? nil : HandOver(transactions: waiting, endpoints: next.seats.map(\.endpoint))
        return MembershipChange(seating: next, snapshot: snapshot, handOver: handOver)
    }

    /// At a restart: the stored log if it belongs to `seating`'s membership (`loggedBase` is the
    /// base height the store recorded with it). A data center that stopped after the block that
    /// ended a membership and before its switch was written holds the old membership's log, which
    /// means nothing to the new one: it is replaced as a switch replaces it, with the clients'
    /// transactions it still held that the chain has not executed (each once).
    public static func restartLog(
        records: [PersistedRecord], loggedBase: UInt64, seating: Seating, isExecuted: (TransactionID) -> Bool
    ) -> RestartLog {
        guard loggedBase != seating.baseHeight else { return .keep(records) }
        var waiting: [Transaction] = []
        for record in records {
            switch record {
            case .transaction(let transaction): waiting.append(transaction)
            case .snapshot(let snapshot): waiting = snapshot.transactions
            default: break
            }
        }
        var seen = Set<TransactionID>()
        let carried = waiting.filter { !isExecuted($0.id) && seen.insert($0.id).inserted }
        return .replace(Snapshot(view: 0, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: carried))
    }
}

/// A switch to the next membership, as `MembershipSwitch.decide` returns it.
public struct MembershipChange: Sendable, Equatable {
    public let seating: Seating
    /// Written with the new base height in one durable transaction; it replaces every record of
    /// the old membership's log, and the new core (if seated) restores from it alone.
    public let snapshot: Snapshot
    /// Set when this data center was voted out holding waiting transactions.
    public let handOver: HandOver?

    /// Voted out (or not yet in): no core runs; the data center follows the chain as a reader.
    public var follows: Bool { !seating.isSeated }
}

/// Transactions a removed data center passes on to the data centers that still order.
public struct HandOver: Sendable, Equatable {
    public let transactions: [Transaction]
    /// Tried in this order until one takes them all.
    public let endpoints: [String]

    public init(transactions: [Transaction], endpoints: [String]) {
        self.transactions = transactions
        self.endpoints = endpoints
    }
}

/// What a restarted data center restores its core from.
public enum RestartLog: Sendable, Equatable {
    /// The stored records, as written.
    case keep([PersistedRecord])
    /// This snapshot alone, after writing it with the current membership's base height.
    case replace(Snapshot)

    public var records: [PersistedRecord] {
        switch self {
        case .keep(let records): records
        case .replace(let snapshot): [.snapshot(snapshot)]
        }
    }
}
