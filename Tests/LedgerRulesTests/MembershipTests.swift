import Consensus
import Contracts
import Crypto
import Foundation
import LedgerRules
import Testing

@Suite("Consensus membership changes by vote, in force from a checkpoint")
struct MembershipTests {
    @Test("activation is the first checkpoint at least one watermark window and one interval after the decision")
    func activationHeight() {
        let policy = GovernancePolicy()
        for decided in [UInt64(0), 1, 15, 16, 17, 100, 1_000_003] {
            let after = policy.activationHeight(decidedAt: decided)
            #expect(after % policy.checkpointInterval == 0, "decided at \(decided)")
            #expect(after >= decided + policy.watermarkWindow + policy.checkpointInterval, "decided at \(decided)")
            #expect(after < decided + policy.watermarkWindow + 2 * policy.checkpointInterval, "decided at \(decided)")
        }
        #expect(policy.activationHeight(decidedAt: 16) == 96)
        #expect(policy.activationHeight(decidedAt: 17) == 112)
    }

    @Test("an admitted data center joins the seats only after the activation checkpoint, and may vote from then on")
    func admit() throws {
        var chain = Chain()
        let newcomer = DataCenter(5)
        let id = try chain.propose(.admitDataCenter(newcomer.seat))
        chain.approve(id, by: [0, 1, 2])
        let decided = chain.height
        let record = try #require(chain.rules.proposals[id])
        #expect(record.status == .passed)
        let after = chain.rules.policy.activationHeight(decidedAt: decided)
        #expect(record.activatesAfter == after)
        #expect(after % chain.rules.policy.checkpointInterval == 0)
        #expect(after >= decided + chain.rules.policy.watermarkWindow + chain.rules.policy.checkpointInterval)

        #expect(chain.rules.memberships.count == 2)
        #expect(chain.rules.memberships.last?.after == after)
        #expect(chain.rules.memberships.last?.seats.count == 5)
        #expect(chain.rules.seats(at: after).count == 4)
        #expect(chain.rules.seats(at: after + 1).count == 5)
        #expect(chain.rules.seats(at: after + 1).last == newcomer.seat)
        #expect(chain.rules.seat(of: newcomer.key.publicKey.x963Representation, at: after) == nil)
        #expect(chain.rules.seat(of: newcomer.key.publicKey.x963Representation, at: after + 1) == newcomer.seat)
        #expect(chain.rules.pendingMembership(at: after)?.after == after)
        #expect(chain.rules.pendingMembership(at: after + 1) == nil)

        // Before activation the newcomer is not a data center yet; after it, it proposes and votes.
        let early = chain.submit(.proposal(Proposal(action: .revokeMember(memberId: "m-x"), reason: "r")), by: newcomer.key, at: after)
        #expect(early?.code == .permissionDenied)
        let proposal = P256TransactionVerifier.sign(payload: LedgerEntry.proposal(Proposal(action: .revokeMember(memberId: "m-x"), reason: "r")).encoded(), with: newcomer.key)
        #expect(chain.apply(proposal, at: after + 1) == nil)
        let opened = try #require(chain.rules.proposals[proposal.id.hex])
        #expect(opened.proposer == "ledger-5")
        #expect(opened.electorate == 5)
        #expect(opened.required == 4)
        let vote = chain.submit(.vote(Vote(proposalId: proposal.id.hex, approve: true)), by: newcomer.key)
        #expect(vote == nil)
    }

    @Test("no second membership change may be proposed, nor pass, while one is pending (9)")
    func onePendingChange() throws {
        var chain = Chain()
        let fifth = DataCenter(5), sixth = DataCenter(6)
        // Both open before either passes.
        let first = try chain.propose(.admitDataCenter(fifth.seat))
        let racing = try chain.propose(.admitDataCenter(sixth.seat), by: 1)
        chain.approve(first, by: [0, 1, 2])
        let after = try #require(chain.rules.proposals[first]?.activatesAfter)

        let proposed = chain.submit(.proposal(Proposal(action: .admitDataCenter(sixth.seat), reason: "r")), by: chain.dataCenters[0].key)
        #expect(proposed?.code == .failedPrecondition)
        let removal = chain.submit(.proposal(Proposal(action: .removeDataCenter(publicKey: chain.dataCenters[3].seat.publicKey), reason: "r")), by: chain.dataCenters[0].key, at: after)
        #expect(removal?.code == .failedPrecondition)
        // The racing proposal reaches its votes while the first is pending: overtaken, rejected.
        chain.vote(racing, true, by: 0, at: after)
        chain.vote(racing, true, by: 1, at: after)
        chain.vote(racing, true, by: 2, at: after)
        #expect(chain.rules.proposals[racing]?.status == .rejected)
        #expect(chain.rules.memberships.count == 2)

        // Once in force, the next change may be proposed.
        let next = chain.submit(.proposal(Proposal(action: .admitDataCenter(sixth.seat), reason: "r")), by: chain.dataCenters[0].key, at: after + 1)
        #expect(next == nil)
    }

    @Test("4 data centers are the fewest that tolerate a fault: none can be removed (9); of 5, one can")
    func removal() throws {
        var chain = Chain()
        let removeLast = Proposal(action: .removeDataCenter(publicKey: chain.dataCenters[3].seat.publicKey), reason: "r")
        let refused = chain.submit(.proposal(removeLast), by: chain.dataCenters[0].key)
        #expect(refused?.code == .failedPrecondition)
        let unknown = chain.submit(.proposal(Proposal(action: .removeDataCenter(publicKey: DataCenter(9).seat.publicKey), reason: "r")), by: chain.dataCenters[0].key)
        #expect(unknown?.code == .notFound)

        var five = Chain(dataCenters: 5)
        let id = try five.propose(.removeDataCenter(publicKey: five.dataCenters[4].seat.publicKey))
        five.approve(id, by: [0, 1, 2, 3])
        let after = try #require(five.rules.proposals[id]?.activatesAfter)
        #expect(five.rules.seats(at: after).count == 5)
        #expect(five.rules.seats(at: after + 1).map(\.name) == ["ledger-1", "ledger-2", "ledger-3", "ledger-4"])
        // Removed: it can no longer vote.
        let other = try five.propose(.revokeMember(memberId: "m-x"), at: after + 1)
        let vote = five.vote(other, true, by: 4)
        #expect(vote?.code == .permissionDenied)
    }

    @Test("a data center already seated (by key or by name) is not admitted again (6)")
    func admitTwice() {
        var chain = Chain()
        let sameKey = chain.submit(.proposal(Proposal(action: .admitDataCenter(chain.dataCenters[1].seat), reason: "r")), by: chain.dataCenters[0].key)
        #expect(sameKey?.code == .alreadyExists)
        var renamed = DataCenter(7).seat
        renamed.name = "ledger-2"
        let sameName = chain.submit(.proposal(Proposal(action: .admitDataCenter(renamed), reason: "r")), by: chain.dataCenters[0].key)
        #expect(sameName?.code == .alreadyExists)
    }

    @Test("a data center admitted after a proposal opened is outside its electorate and cannot vote on it")
    func newcomerOutsideElectorate() throws {
        var chain = Chain()
        let open = try chain.propose(.revokeMember(memberId: "m-x"))
        let newcomer = DataCenter(5)
        let admit = try chain.propose(.admitDataCenter(newcomer.seat))
        chain.approve(admit, by: [0, 1, 2])
        let after = try #require(chain.rules.proposals[admit]?.activatesAfter)
        // The old proposal's electorate is the 4 founders; the newcomer's vote would be a fifth of four.
        #expect(chain.rules.proposals[open]?.electorate == 4)
        let vote = chain.submit(.vote(Vote(proposalId: open, approve: false)), by: newcomer.key, at: after + 1)
        #expect(vote?.code == .permissionDenied)
        #expect(chain.rules.proposals[open]?.votes.count == 0)
    }
}
