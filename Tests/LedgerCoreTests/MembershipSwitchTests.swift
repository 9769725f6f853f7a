import Consensus
import Foundation
import LedgerCore
import LedgerRules
import Testing

@Suite("The membership switch: when a data center's core gives way to the next membership's, and what carries over")
struct MembershipSwitchTests {
    let founders = DataCenters(count: 4)
    let newcomer = DataCenters(count: 1, firstNumber: 5)
    /// Founders, then the five after height 96, then four without founder 4 after height 192.
    var memberships: [Membership] {
        [
            Membership(after: 0, seats: founders.seats),
            Membership(after: 96, seats: founders.seats + newcomer.seats),
            Membership(after: 192, seats: Array(founders.seats.prefix(3)) + newcomer.seats),
        ]
    }

    @Test("a seat is the position of the own key in the membership ordering the next block; the primary rotates with the view")
    func seating() {
        let first = Seating.ordering(after: 95, memberships: memberships, ownKey: founders.key(of: 1))
        #expect(first.baseHeight == 0 && first.seats.count == 4 && first.index == 1)
        #expect(first.primary(of: 5) == 1)
        let second = Seating.ordering(after: 96, memberships: memberships, ownKey: newcomer.key(of: 0))
        #expect(second.baseHeight == 96 && second.seats.count == 5 && second.index == 4)
        #expect(Seating.ordering(after: 95, memberships: memberships, ownKey: newcomer.key(of: 0)).index == nil)
        #expect(Seating.ordering(after: 192, memberships: memberships, ownKey: founders.key(of: 3)).index == nil)
    }

    @Test("nothing changes before the activation height is certified")
    func notYet() {
        let running = Seating.ordering(after: 0, memberships: memberships, ownKey: founders.key(of: 0))
        for height: UInt64 in [0, 1, 50, 95] {
            #expect(MembershipSwitch.decide(running: running, height: height, memberships: memberships, ownKey: founders.key(of: 0), waiting: []) == nil)
        }
    }

    @Test("at the activation height a founder switches to the five with its waiting transactions in a view-0 snapshot")
    func founderSwitches() throws {
        let waiting = [Entries.note("a"), Entries.note("b")]
        let running = Seating.ordering(after: 10, memberships: memberships, ownKey: founders.key(of: 2))
        let change = try #require(MembershipSwitch.decide(running: running, height: 96, memberships: memberships, ownKey: founders.key(of: 2), waiting: waiting))
        #expect(change.seating == Seating(seats: founders.seats + newcomer.seats, baseHeight: 96, index: 2))
        #expect(change.snapshot == Snapshot(view: 0, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: waiting))
        #expect(change.handOver == nil && !change.follows)
        // Once switched, the same height asks for nothing more.
        #expect(MembershipSwitch.decide(running: change.seating, height: 96, memberships: memberships, ownKey: founders.key(of: 2), waiting: waiting) == nil)
    }

    @Test("the newcomer, following without a seat, is seated by the block at the activation height")
    func newcomerSeated() throws {
        let following = Seating.ordering(after: 40, memberships: memberships, ownKey: newcomer.key(of: 0))
        #expect(!following.isSeated)
        let change = try #require(MembershipSwitch.decide(running: following, height: 96, memberships: memberships, ownKey: newcomer.key(of: 0), waiting: []))
        #expect(change.seating.index == 4 && change.seating.baseHeight == 96 && change.snapshot.transactions.isEmpty && change.handOver == nil)
    }

    @Test("a data center voted out follows the chain and hands its waiting transactions to those that still order")
    func removed() throws {
        let waiting = [Entries.note("late")]
        let running = Seating.ordering(after: 100, memberships: memberships, ownKey: founders.key(of: 3))
        #expect(running.index == 3)
        let change = try #require(MembershipSwitch.decide(running: running, height: 192, memberships: memberships, ownKey: founders.key(of: 3), waiting: waiting))
        #expect(change.follows && change.seating.baseHeight == 192)
        #expect(change.handOver == HandOver(transactions: waiting, endpoints: memberships[2].seats.map(\.endpoint)))
        #expect(change.snapshot.transactions == waiting)
        let empty = try #require(MembershipSwitch.decide(running: running, height: 192, memberships: memberships, ownKey: founders.key(of: 3), waiting: []))
        #expect(empty.follows && empty.handOver == nil)
    }

    @Test("a restart keeps the log of the current membership, and replaces an earlier membership's with its unexecuted transactions, once each")
    func restartLog() {
        let (a, b, c) = (Entries.note("a"), Entries.note("b"), Entries.note("c"))
        let snapshot = Snapshot(view: 3, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: [a])
        let records: [PersistedRecord] = [.transaction(c), .snapshot(snapshot), .transaction(b), .transaction(a), .transaction(c)]
        let current = Seating(seats: founders.seats + newcomer.seats, baseHeight: 96, index: 0)
        #expect(MembershipSwitch.restartLog(records: records, loggedBase: 96, seating: current, isExecuted: { _ in false }) == .keep(records))
        // Died between the last block of the founders' membership and the switch: the marker still says 0.
        let log = MembershipSwitch.restartLog(records: records, loggedBase: 0, seating: current, isExecuted: { $0 == b.id })
        let expected = Snapshot(view: 0, viewChange: nil, newView: nil, prePrepares: [], prepared: [], transactions: [a, c])
        #expect(log == .replace(expected))
        #expect(log.records == [.snapshot(expected)])
    }
}
