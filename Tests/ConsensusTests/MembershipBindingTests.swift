@testable import Consensus
import ConsensusSimulator
import Foundation
import Testing

/// Messages signed under one membership must not validate under the next. A membership switch
/// restarts the view at 0 and an admission keeps every existing index, so without a binding a view
/// change that carries no checkpoint and no prepared batch, and a new-view built from such view
/// changes, read the same in both memberships.
@Suite("Membership binding")
struct MembershipBindingTests {
    /// What the founding membership signed while it left a silent primary's view before its first
    /// checkpoint: dc1, dc2 and dc3's view changes for view 1 (nothing prepared, no checkpoint) and
    /// dc1's new-view for view 1 (no pre-prepares).
    struct Captured {
        let viewChanges: [Int: SignedMessage]
        let newView: SignedMessage
    }

    static func captureFoundingViewChange(unbound: Bool = false) throws -> Captured {
        var configuration = TestCluster.configuration(nodes: 4)
        configuration.unsafeUnboundMessages = unbound
        var cluster = TestCluster(configuration: configuration)
        cluster.isolated = [0]
        for node in cluster.nodes { cluster.tick(node) }
        cluster.submit(TestCluster.transaction(1), to: 2)
        cluster.run(for: 550)
        var viewChanges: [Int: SignedMessage] = [:]
        for node in 1...3 {
            viewChanges[node] = cluster.messages(from: node).first {
                if case .viewChange(let change) = $0.message { change.newView == 1 } else { false }
            }
        }
        let newView = try #require(cluster.messages(from: 1).first { if case .newView = $0.message { true } else { false } })
        for (node, message) in viewChanges {
            guard case .viewChange(let change) = message.message else { continue }
            #expect(change.checkpoint == nil && change.prepared.isEmpty, "dc\(node)'s view change is not the empty kind")
        }
        #expect(viewChanges.count == 3)
        return Captured(viewChanges: viewChanges, newView: newView)
    }

    /// A replica of the membership that starts after height 16: the same four keys in the same
    /// seats (`admitted` adds a fifth, as an admission does), view 0.
    static func nextMembership(_ index: Int, admitted: Bool, unbound: Bool = false) -> Replica {
        let nodes = admitted ? 5 : 4
        var configuration = TestCluster.configuration(nodes: nodes)
        configuration.baseHeight = 16
        configuration.unsafeUnboundMessages = unbound
        let keys = SimulatedKeys(seed: 7, nodes: nodes)
        var replica = Replica(
            configuration: configuration, id: ReplicaID(index), signer: keys.signer(for: ReplicaID(index)), verifier: keys.verifier,
            transactionVerifier: SimulatedTransactionVerifier()
        )
        _ = replica.handle(.tick(nowMilliseconds: TestCluster.start + 10_000))
        return replica
    }

    @Test("the captured messages are valid where they were signed: two view changes move a replica of that membership")
    func validInTheirOwnMembership() throws {
        let captured = try Self.captureFoundingViewChange()
        let cluster = TestCluster()
        var replica = cluster.makeReplica(0)
        _ = replica.handle(.tick(nowMilliseconds: TestCluster.start + 10_000))
        for node in [2, 3] { _ = replica.handle(.message(try #require(captured.viewChanges[node]))) }
        #expect(replica.view == 1, "\(replica)")
    }

    @Test("view changes from the previous membership do not move a replica of the next one", arguments: [false, true])
    func staleViewChangesRefused(admitted: Bool) throws {
        let captured = try Self.captureFoundingViewChange()
        var replica = Self.nextMembership(0, admitted: admitted)
        var actions: [Action] = []
        // f + 1 of them would make it join view 1 at once, and the third completes a quorum.
        for node in [2, 3, 1] { actions += replica.handle(.message(try #require(captured.viewChanges[node]))) }
        #expect(replica.view == 0 && replica.viewActive, "\(replica)")
        #expect(!actions.contains { if case .viewChanged = $0 { true } else { false } })
    }

    @Test("a new-view from the previous membership does not install in the next one")
    func staleNewViewRefused() throws {
        let captured = try Self.captureFoundingViewChange()
        var replica = Self.nextMembership(2, admitted: false)
        let actions = replica.handle(.message(captured.newView))
        #expect(replica.view == 0 && replica.viewActive, "\(replica)")
        #expect(!actions.contains { if case .viewChanged = $0 { true } else { false } })
    }

    @Test("the test-only unbound configuration removes the binding: the same replay then moves the next membership")
    func unboundSwitchRemovesTheBinding() throws {
        let captured = try Self.captureFoundingViewChange(unbound: true)
        var replica = Self.nextMembership(0, admitted: false, unbound: true)
        for node in [2, 3] { _ = replica.handle(.message(try #require(captured.viewChanges[node]))) }
        #expect(replica.view == 1, "\(replica)")
        var other = Self.nextMembership(2, admitted: false, unbound: true)
        _ = other.handle(.message(captured.newView))
        #expect(other.view == 1 && other.viewActive, "\(other)")
    }

    @Test("status and state transfer cross a switch: a replica still in the previous membership hears a peer that has switched")
    func stateTransferCrossesTheSwitch() {
        let cluster = TestCluster()
        let ahead = Status(view: 0, viewActive: true, executedHeight: 20, certifiedHeight: 20)
        // dc1's status as the membership after height 16 signs it: a founder that has not stored
        // block 16 yet learns that dc1 is ahead and fetches from it.
        let status = SignedMessage.signed(.status(ahead), by: 1, with: cluster.signer(1), domain: SigningDomain(membershipBase: 16))
        var behind = cluster.makeReplica(0)
        _ = behind.handle(.tick(nowMilliseconds: TestCluster.start + 10_000))
        let actions = behind.handle(.message(status))
        #expect(actions.contains { if case .send(to: 1, let message) = $0, case .fetchBlocks = message.message { true } else { false } })
    }
}
