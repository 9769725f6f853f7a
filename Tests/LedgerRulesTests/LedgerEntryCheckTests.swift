import Consensus
import Contracts
import Credentials
import Crypto
import Foundation
import LedgerRules
import Testing

@Suite("The stateless check every data center runs before ordering a transaction")
struct LedgerEntryCheckTests {
    static func check(_ members: Members) -> LedgerEntryCheck {
        let cache = members.certificates
        return LedgerEntryCheck(certificates: { cache })
    }

    @Test("without the CA (registry not reached yet) a contract or a member's note waits: 14; votes and opaque notes need no CA")
    func noAuthorityYet() throws {
        let members = try Members()
        let check = LedgerEntryCheck(certificates: { nil })
        let submitter = P256.Signing.PrivateKey()
        let contract = Chain.transaction(.contract(try members.contract(order: "o-1")), by: submitter)
        #expect(check.problem(contract)?.code == .unavailable)
        let amendment = Chain.transaction(.proposal(Proposal(action: .amendContract(try members.contract(order: "o-1", version: 2)), reason: "r")), by: submitter)
        #expect(check.problem(amendment)?.code == .unavailable)
        #expect(check.problem(Chain.transaction(.vote(Vote(proposalId: "ab", approve: true)), by: submitter)) == nil)
        #expect(check.problem(P256TransactionVerifier.sign(payload: Data("note".utf8), with: submitter)) == nil)
        let note = try MemberNote(certificate: try #require(members.consumer.certificate), note: Data("meter".utf8))
        #expect(check.problem(Chain.transaction(.note(note), by: members.consumer.privateKey))?.code == .unavailable)
    }

    @Test("a contract signed by all five parties with certificates from the CA passes")
    func validContract() throws {
        let members = try Members()
        let transaction = Chain.transaction(.contract(try members.contract(order: "o-1")), by: P256.Signing.PrivateKey())
        #expect(Self.check(members).problem(transaction) == nil)
    }

    @Test("one forged party signature refuses the whole contract with 16")
    func forgedSignature() throws {
        let members = try Members()
        var contract = try members.contract(order: "o-1")
        let forger = MemberSigner(memberID: members.dispatchCenter.memberID, privateKey: P256.Signing.PrivateKey(), certificate: members.dispatchCenter.certificate)
        contract = try ContractSigning.sign(contract, by: forger)
        let transaction = Chain.transaction(.contract(contract), by: P256.Signing.PrivateKey())
        #expect(Self.check(members).problem(transaction)?.code == .unauthenticated)
    }

    @Test("revocations are not the check's: it passes a revoked party's contract, and the rules refuse it (7) once the chain records the revocation")
    func revokedParty() throws {
        let members = try Members()
        let transaction = Chain.transaction(.contract(try members.contract(order: "o-1")), by: P256.Signing.PrivateKey())
        #expect(Self.check(members).problem(transaction) == nil)
        var chain = Chain()
        let revoke = try chain.propose(.revokeMember(memberId: members.consumer.memberID))
        chain.approve(revoke, by: 0..<3)
        #expect(chain.apply(transaction)?.code == .permissionDenied)
    }

    @Test("time is not the check's either: a contract passes before ordering whatever the clock; a block stamped after a party's certificate ends refuses it (16), one stamped before records it")
    func certificateTime() throws {
        let end = Date(timeIntervalSinceNow: 3_600)
        let members = try Members.withConsumer(validUntil: end)
        let transaction = Chain.transaction(.contract(try members.contract(order: "o-3")), by: P256.Signing.PrivateKey())
        #expect(Self.check(members).problem(transaction) == nil)
        var late = Chain()
        late.time = UInt64((end.timeIntervalSince1970 + 1) * 1_000)
        #expect(late.apply(transaction)?.code == .unauthenticated)
        var early = Chain()
        #expect(early.apply(transaction) == nil)
    }

    @Test("a contract whose parties' certificates are never valid at one time is refused with 16 before ordering")
    func disjointCertificates() throws {
        let members = try Members.withConsumer(validUntil: Date(timeIntervalSinceNow: -3 * 24 * 3_600))
        let transaction = Chain.transaction(.contract(try members.contract(order: "o-4")), by: P256.Signing.PrivateKey())
        #expect(Self.check(members).problem(transaction)?.code == .unauthenticated)
    }

    @Test("a transaction whose submitter signature does not verify is refused with 16 before anything else")
    func badSubmitterSignature() throws {
        let members = try Members()
        let key = P256.Signing.PrivateKey()
        let good = Chain.transaction(.contract(try members.contract(order: "o-1")), by: key)
        // Signed by another key than the submitter it names.
        let otherKey = Chain.transaction(.contract(try members.contract(order: "o-1")), by: P256.Signing.PrivateKey())
        let wrongSigner = Transaction(payload: good.payload, submitter: good.submitter, signature: otherKey.signature)
        #expect(Self.check(members).problem(wrongSigner)?.code == .unauthenticated)
        // The right signature over another payload.
        let vote = Chain.transaction(.vote(Vote(proposalId: "ab", approve: true)), by: key)
        let swappedPayload = Transaction(payload: vote.payload, submitter: good.submitter, signature: good.signature)
        #expect(Self.check(members).problem(swappedPayload)?.code == .unauthenticated)
        // Even without the CA: the submitter's signature comes first.
        #expect(LedgerEntryCheck(certificates: { nil }).problem(wrongSigner)?.code == .unauthenticated)
        #expect(Self.check(members).problem(good) == nil)
    }

    @Test("malformed proposals are refused with 3: a rewrite_block action, a data center key that is not P-256, an empty id")
    func malformedProposals() throws {
        let members = try Members()
        let key = P256.Signing.PrivateKey()
        let check = Self.check(members)
        let rewrite = P256TransactionVerifier.sign(payload: Data(#"{"type":"proposal","body":{"action":{"type":"rewrite_block"},"reason":"r"}}"#.utf8), with: key)
        #expect(check.problem(rewrite)?.code == .invalidArgument)
        let badSeat = DataCenterSeat(name: "ledger-5", publicKey: Data("not a key".utf8).base64EncodedString(), endpoint: "tcp://127.0.0.1:1")
        #expect(check.problem(Chain.transaction(.proposal(Proposal(action: .admitDataCenter(badSeat), reason: "r")), by: key))?.code == .invalidArgument)
        #expect(check.problem(Chain.transaction(.proposal(Proposal(action: .cancelContract(contractId: ""), reason: "r")), by: key))?.code == .invalidArgument)
        #expect(check.problem(Chain.transaction(.proposal(Proposal(action: .revokeMember(memberId: ""), reason: "r")), by: key))?.code == .invalidArgument)
        #expect(check.problem(Chain.transaction(.proposal(Proposal(action: .admitDataCenter(DataCenter(5).seat), reason: "r")), by: key)) == nil)
    }
}
