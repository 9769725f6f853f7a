import Consensus
import Foundation
import LedgerCore
import LedgerRules
import Testing

@Suite("The registry's revocations reach the chain by the data centers' vote")
struct RevocationRelayTests {
    let centers = DataCenters(count: 4)

    func steps(_ rules: LedgerRules, seat: Int, registry: Set<String> = ["m-x"], firstSeen: UInt64 = 1_000, proposedAt: UInt64? = nil, now: UInt64) -> [RevocationRelay.Step] {
        RevocationRelay.steps(
            registryRevoked: registry, rules: rules, ownKey: centers.key(of: seat), firstSeen: registry.reduce(into: [:]) { $0[$1] = firstSeen },
            proposedAt: proposedAt.map { time in registry.reduce(into: [:]) { $0[$1] = time } } ?? [:], now: now, stagger: 2_000
        )
    }

    /// Applies `step`, submitted by `seat`, at `height`; it must be taken.
    func apply(_ step: RevocationRelay.Step, by seat: Int, at height: UInt64, to rules: inout LedgerRules) -> Transaction {
        let transaction = Entries.transaction(step.entry(nonce: "\(height)"), by: centers.keys[seat])
        #expect(rules.apply(transaction, at: TransactionLocation(height: height, index: 0)) == nil)
        return transaction
    }

    @Test("with no proposal open the first seat proposes at once, seat k after k x the stagger, and none again before the retry")
    func propose() {
        let rules = LedgerRules(policy: GovernancePolicy(), founders: centers.seats)
        #expect(steps(rules, seat: 0, now: 1_000) == [.propose(member: "m-x")])
        #expect(steps(rules, seat: 2, now: 1_000) == [])
        #expect(steps(rules, seat: 2, now: 5_000) == [.propose(member: "m-x")])
        #expect(steps(rules, seat: 0, proposedAt: 1_000, now: 2_000) == [])
        #expect(steps(rules, seat: 0, proposedAt: 1_000, now: 1_000 + RevocationRelay.retry) == [.propose(member: "m-x")])
    }

    @Test("with a proposal open each seat of its electorate votes yes once; the revocation passes at 3 of 4 and then nothing is due")
    func vote() {
        var rules = LedgerRules(policy: GovernancePolicy(), founders: centers.seats)
        let proposal = apply(.propose(member: "m-x"), by: 0, at: 1, to: &rules).id.hex
        #expect(steps(rules, seat: 0, now: 2_000) == [.vote(proposalID: proposal)])
        _ = apply(.vote(proposalID: proposal), by: 0, at: 2, to: &rules)
        #expect(steps(rules, seat: 0, now: 2_000) == [])
        #expect(steps(rules, seat: 3, now: 2_000) == [.vote(proposalID: proposal)])
        _ = apply(.vote(proposalID: proposal), by: 3, at: 3, to: &rules)
        _ = apply(.vote(proposalID: proposal), by: 1, at: 4, to: &rules)
        #expect(rules.revoked == ["m-x"])
        for seat in 0..<4 { #expect(steps(rules, seat: seat, now: 60_000) == []) }
    }

    @Test("nothing for a member the registry does not list, and nothing from a key that holds no seat")
    func nothing() {
        var rules = LedgerRules(policy: GovernancePolicy(), founders: centers.seats)
        let proposal = apply(.propose(member: "m-y"), by: 0, at: 1, to: &rules).id.hex
        #expect(steps(rules, seat: 1, registry: ["m-x"], now: 1_000).allSatisfy { $0 != .vote(proposalID: proposal) })
        let outsider = DataCenters(count: 1, firstNumber: 9)
        #expect(RevocationRelay.steps(
            registryRevoked: ["m-x"], rules: rules, ownKey: outsider.key(of: 0), firstSeen: [:], proposedAt: [:], now: 10_000, stagger: 2_000
        ).isEmpty)
    }
}
