import Consensus
import Crypto
import Foundation
import LedgerCore
import LedgerRules
import Testing

@Suite("Catch-up: a data center without a seat checks each downloaded block against the membership the chain records")
struct CatchUpTests {
    let founders = DataCenters(count: 4)
    let newcomer = DataCenters(count: 1, firstNumber: 5)
    var rules: LedgerRules { LedgerRules(policy: Entries.policy, founders: founders.seats, recordsEvents: true) }

    /// Block 1 proposes admitting the newcomer, block 2 passes it (3 of 4): the five order after height 6.
    func admission() -> ChainBuilder {
        var chain = ChainBuilder()
        let proposal = Entries.transaction(.proposal(Proposal(action: .admitDataCenter(newcomer.seats[0]), reason: "a fifth")), by: founders.keys[0])
        chain.append([proposal], by: founders, signers: [0, 1, 2])
        let votes = (0..<3).map { Entries.transaction(.vote(Vote(proposalId: proposal.id.hex, approve: true)), by: founders.keys[$0]) }
        chain.append(votes, by: founders, signers: [1, 2, 3])
        for _ in 3...6 { chain.append(by: founders, signers: [0, 1, 3]) }
        return chain
    }

    @Test("sources are every data center any membership lists, once each, in a fixed order")
    func sources() {
        let memberships = [Membership(after: 0, seats: founders.seats), Membership(after: 6, seats: founders.seats + newcomer.seats)]
        #expect(CatchUp.sources(memberships: memberships) == (founders.seats + newcomer.seats).map(\.endpoint).sorted())
    }

    @Test("blocks certified by the founders are taken in order, with their events; the next request continues after them")
    func takesInOrder() {
        let chain = admission()
        let result = CatchUp.take(Array(chain.blocks.prefix(3)), after: .genesis, rules: rules, ownKey: newcomer.key(of: 0))
        #expect(result.accepted.map(\.block) == Array(chain.blocks.prefix(3)))
        #expect(result.defect == nil && !result.seated && result.next == 4)
        #expect(result.anchor == ChainAnchor(height: 3, headerHash: chain.blocks[2].block.header.hash))
        guard case .proposalOpened = result.accepted[0].events.first else { Issue.record("block 1 opened no proposal: \(result.accepted[0].events)"); return }
        #expect(result.accepted[1].events.count == 4)
        #expect(result.rules.memberships.count == 2 && result.rules.height == 3)
        // Continuing from there with the advanced rules.
        let rest = CatchUp.take(Array(chain.blocks[3...4]), after: result.anchor, rules: result.rules, ownKey: newcomer.key(of: 0))
        #expect(rest.accepted.count == 2 && rest.next == 6)
        // A source with nothing new: done with it.
        let none = CatchUp.take([], after: result.anchor, rules: result.rules, ownKey: newcomer.key(of: 0))
        #expect(none.accepted.isEmpty && none.next == nil && !none.seated)
    }

    @Test("the newcomer stops at the activation height: the block that seats it is the last it downloads")
    func seatedAtActivation() {
        var chain = admission()
        chain.append(by: founders + newcomer, signers: [0, 1, 2, 4])
        let result = CatchUp.take(chain.blocks, after: .genesis, rules: rules, ownKey: newcomer.key(of: 0))
        #expect(result.accepted.count == 6 && result.seated && result.next == nil && result.defect == nil)
        #expect(Seating.ordering(after: result.anchor.height, memberships: result.rules.memberships, ownKey: newcomer.key(of: 0)).index == 4)
    }

    @Test("after the activation height the five keys certify, with their quorum of four: three founders' signatures no longer do")
    func newMembershipKeys() {
        var chain = admission()
        chain.append(by: founders + newcomer, signers: [0, 1, 2, 4])
        let follower = P256.Signing.PrivateKey().publicKey.x963Representation.base64EncodedString()
        let taken = CatchUp.take(chain.blocks, after: .genesis, rules: rules, ownKey: follower)
        #expect(taken.accepted.count == 7 && taken.defect == nil && taken.next == 8)

        var forged = admission()
        forged.append(by: founders, signers: [0, 1, 2])
        let refused = CatchUp.take(forged.blocks, after: .genesis, rules: rules, ownKey: follower)
        #expect(refused.accepted.count == 6 && refused.next == nil && !refused.seated)
        #expect(refused.defect?.height == 7 && refused.defect?.problem == .certificate(.tooFewSignatures(found: 3, required: 4)))
        #expect(refused.anchor.height == 6 && refused.rules.height == 6)
    }

    @Test("a block signed by a key outside the membership, or not linking to the tip, is refused and ends the batch")
    func refusesForgeries() {
        let outsiders = DataCenters(count: 4)
        var chain = ChainBuilder()
        chain.append(by: founders, signers: [0, 1, 2])
        chain.append(by: outsiders, signers: [0, 1, 2])
        chain.append(by: founders, signers: [0, 1, 2])
        let result = CatchUp.take(chain.blocks, after: .genesis, rules: rules, ownKey: newcomer.key(of: 0))
        #expect(result.accepted.count == 1 && result.next == nil)
        #expect(result.defect?.height == 2)
        // Blocks that do not continue the tip (a source answering from elsewhere).
        let skipped = CatchUp.take(Array(chain.blocks.dropFirst(2)), after: .genesis, rules: rules, ownKey: newcomer.key(of: 0))
        #expect(skipped.accepted.isEmpty && skipped.defect?.height == 3 && skipped.defect?.problem == .unexpectedHeight(expected: 1))
    }
}
