import Consensus
import Contracts
import Crypto
import Foundation
import GridProtocol
import LedgerRules
import Testing

@Suite("What the ledger records: contracts once, entries it refuses leave no trace")
struct LedgerRecordingTests {
    @Test("a contract is recorded once; a second contract with the same contract id is refused with 6")
    func contractOnce() throws {
        let members = try Members()
        var chain = Chain()
        let first = try members.contract(order: "o-1")
        chain.record(first)
        let record = try #require(chain.rules.contracts["ct-o-1"])
        #expect(record.status == .active)
        #expect(record.contract == first)
        #expect(record.height == 1)
        #expect(record.versions.map(\.version) == [1])

        // Another signing of the same order (fresh copies, other bytes) is still the same contract.
        let again = try members.contract(order: "o-1", price: 99)
        #expect(again != first)
        #expect(chain.submit(.contract(again), by: P256.Signing.PrivateKey())?.code == .alreadyExists)
        #expect(chain.rules.contracts["ct-o-1"]?.contract == first)
        #expect(chain.rules.contracts(member: members.gridCompany.memberID, month: nil, fromHeight: 0).map(\.contractId) == ["ct-o-1"])
    }

    @Test("a new contract must be version 1: later versions come only by an amend_contract proposal")
    func newContractIsVersionOne() throws {
        let members = try Members()
        var chain = Chain()
        #expect(chain.submit(.contract(try members.contract(order: "o-2", version: 2)), by: P256.Signing.PrivateKey())?.code == .invalidArgument)
        #expect(chain.rules.contracts.isEmpty)
    }

    @Test("a payload that is not a JSON object is an opaque note, recorded as it is (from a data center's key: see NoteAdmissionTests)")
    func opaqueNote() {
        var chain = Chain()
        #expect(chain.apply(P256TransactionVerifier.sign(payload: Data("hello".utf8), with: chain.dataCenters[0].key)) == nil)
        #expect(chain.rules.notes == 1)
    }

    @Test("a proposal to rewrite a block is refused with 3 when decoded and when applied: recorded blocks are never rewritten")
    func rewriteBlock() throws {
        var chain = Chain()
        let payload = Data(#"{"type":"proposal","body":{"action":{"type":"rewrite_block","height":3},"reason":"fix a typo"}}"#.utf8)
        let problem = #expect(throws: ContractProblem.self) { try LedgerEntry.decode(payload) }
        #expect(problem?.code == .invalidArgument)
        #expect(problem?.message.contains("rewrite_block") == true)
        #expect(problem?.message.contains("never rewritten") == true)

        let before = chain.state
        let rejection = chain.apply(P256TransactionVerifier.sign(payload: payload, with: chain.dataCenters[0].key))
        #expect(rejection?.code == .invalidArgument)
        #expect(chain.state == before)
        #expect(chain.rules.notes == 0)
    }

    @Test("an object with a type that is not an entry is refused with 3; a payload without a top-level type, or not JSON at all, is a note")
    func unknownEntry() {
        var chain = Chain()
        for payload in [#"{"type":"block","body":{}}"#, #"{"type":"vote"}"#, #"{"type":5}"#] {
            let rejection = chain.apply(P256TransactionVerifier.sign(payload: Data(payload.utf8), with: chain.dataCenters[0].key))
            #expect(rejection?.code == .invalidArgument, "\(payload)")
        }
        #expect(chain.rules.notes == 0)
        for payload in ["{not json", #"{"contract":"c-42"}"#, "plain text"] {
            #expect(chain.apply(P256TransactionVerifier.sign(payload: Data(payload.utf8), with: chain.dataCenters[0].key)) == nil, "\(payload)")
        }
        #expect(chain.rules.notes == 3)
    }

    @Test("entries encode to JSON that decodes back to the same entry")
    func roundTrip() throws {
        let members = try Members()
        let entries: [LedgerEntry] = [
            .contract(try members.contract(order: "o-3")),
            .proposal(Proposal(action: .cancelContract(contractId: "ct-o-3"), reason: "r", nonce: "n")),
            .proposal(Proposal(action: .admitDataCenter(DataCenter(5).seat), reason: "grow")),
            .proposal(Proposal(action: .removeDataCenter(publicKey: "k"), reason: "shrink")),
            .proposal(Proposal(action: .revokeMember(memberId: "m-1"), reason: "fraud")),
            .vote(Vote(proposalId: "ab", approve: false)),
        ]
        for entry in entries {
            #expect(try LedgerEntry.decode(entry.encoded()) == entry)
        }
    }

    @Test("every refused transaction at the current height leaves contracts, proposals, revocations and membership as they were")
    func refusedLeavesStateUnchanged() throws {
        let members = try Members()
        var chain = Chain()
        chain.record(try members.contract(order: "o-4"))
        let open = try chain.propose(.cancelContract(contractId: "ct-o-4"), by: 0)
        chain.approve(open, by: [1])
        let outsider = P256.Signing.PrivateKey()
        let height = chain.height
        let refused: [(Transaction, StatusCode)] = [
            (Chain.transaction(.contract(try members.contract(order: "o-4")), by: outsider), .alreadyExists),
            (Chain.transaction(.vote(Vote(proposalId: open, approve: true)), by: outsider), .permissionDenied),
            (Chain.transaction(.vote(Vote(proposalId: open, approve: true)), by: chain.dataCenters[1].key), .alreadyExists),
            (Chain.transaction(.vote(Vote(proposalId: "00", approve: true)), by: chain.dataCenters[2].key), .notFound),
            (Chain.transaction(.proposal(Proposal(action: .revokeMember(memberId: "m-x"), reason: "r")), by: outsider), .permissionDenied),
            (Chain.transaction(.proposal(Proposal(action: .cancelContract(contractId: "ct-none"), reason: "r")), by: chain.dataCenters[0].key), .notFound),
            (Chain.transaction(.proposal(Proposal(action: .removeDataCenter(publicKey: chain.dataCenters[3].seat.publicKey), reason: "r")), by: chain.dataCenters[0].key), .failedPrecondition),
        ]
        let before = chain.state
        for (transaction, code) in refused {
            #expect(chain.apply(transaction, at: height)?.code == code)
            #expect(chain.state == before)
        }
    }

    @Test("a refused transaction in a later block expires no proposal: nothing of it may be applied")
    func refusedAtLaterHeightLeavesStateUnchanged() throws {
        var chain = Chain(policy: GovernancePolicy(votingWindow: 10))
        let open = try chain.propose(.revokeMember(memberId: "m-x"), by: 0)
        let before = chain.state
        // Past the window: a block holding only this refused vote. A data center that adopts the block
        // (without the refused transaction) applies nothing, so the builder must not change either.
        let rejection = chain.submit(.vote(Vote(proposalId: "00", approve: true)), by: chain.dataCenters[1].key, at: chain.height + 20)
        #expect(rejection?.code == .notFound)
        #expect(chain.state == before)
        #expect(chain.rules.proposals[open]?.status == .open)
    }

    @Test("two ledgers fed the same transactions hold the same contracts, proposals, revocations and membership")
    func deterministic() throws {
        let members = try Members()
        var chain = Chain(policy: GovernancePolicy(votingWindow: 50))
        chain.record(try members.contract(order: "o-5"))
        chain.record(try members.contract(order: "o-6"))
        let cancel = try chain.propose(.cancelContract(contractId: "ct-o-5"), by: 1)
        chain.approve(cancel, by: [0, 1, 2])
        let revoke = try chain.propose(.revokeMember(memberId: members.consumer.memberID), by: 2)
        chain.vote(revoke, false, by: 0)
        chain.vote(revoke, false, by: 1)
        let admit = try chain.propose(.admitDataCenter(DataCenter(5).seat), by: 3)
        chain.approve(admit, by: [3, 2, 1])
        let expiring = try chain.propose(.cancelContract(contractId: "ct-o-6"), by: 0)
        chain.vote(expiring, true, by: 0)
        chain.submit(.contract(try members.contract(order: "o-5")), by: P256.Signing.PrivateKey())
        chain.submit(.vote(Vote(proposalId: cancel, approve: true)), by: chain.dataCenters[3].key)
        chain.submit(.contract(try members.contract(order: "o-7")), by: P256.Signing.PrivateKey(), at: chain.height + 100)

        var replay = LedgerRules(policy: chain.rules.policy, founders: chain.dataCenters.map(\.seat))
        var outcomes: [TransactionRejection?] = []
        var replayOutcomes: [TransactionRejection?] = []
        var original = LedgerRules(policy: chain.rules.policy, founders: chain.dataCenters.map(\.seat))
        for (transaction, location) in chain.log {
            original.enterBlock(height: location.height, timestamp: chain.time)
            replay.enterBlock(height: location.height, timestamp: chain.time)
            outcomes.append(original.apply(transaction, at: location))
            replayOutcomes.append(replay.apply(transaction, at: location))
        }
        #expect(outcomes == replayOutcomes)
        #expect(RecordedState(replay) == chain.state)
        #expect(replay.contracts == chain.rules.contracts)
        #expect(replay.proposals == chain.rules.proposals)
        #expect(replay.height == chain.rules.height)
        #expect(replay.proposalList(fromHeight: 0) == chain.rules.proposalList(fromHeight: 0))
        #expect(replay.contracts(member: nil, month: nil, fromHeight: 0) == chain.rules.contracts(member: nil, month: nil, fromHeight: 0))
        // And it did exercise every outcome.
        #expect(chain.rules.contracts["ct-o-5"]?.status == .cancelled)
        #expect(chain.rules.proposals[revoke]?.status == .rejected)
        #expect(chain.rules.proposals[admit]?.status == .passed)
        #expect(chain.rules.proposals[expiring]?.status == .expired)
        #expect(chain.rules.contracts.count == 3)
    }
}
