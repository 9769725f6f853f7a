import Consensus
import Contracts
import Credentials
import Crypto
import Foundation
import LedgerRules
import Testing

/// Issue 13, item 4: only members write notes to the ledger.
@Suite("Notes come only from admitted members: a data center's key, or a member's certified key")
struct NoteAdmissionTests {
    /// A `note` entry as a client writes it by hand: the submitter's certificate and the note's bytes.
    static func noteEntry(certificate: Data, data: Data) -> Data {
        Data(#"{"type":"note","body":{"certificate":"\#(certificate.base64EncodedString())","data":"\#(data.base64EncodedString())"}}"#.utf8)
    }

    static func der(_ signer: MemberSigner) throws -> Data {
        try CertificateDER.encode(try #require(signer.certificate))
    }

    static func check(_ members: Members) -> LedgerEntryCheck {
        let cache = members.certificates
        return LedgerEntryCheck(certificates: { cache })
    }

    @Test("an opaque note signed by a key that is no data center's and carries no certificate is refused with 7, and nothing is recorded")
    func strangerNote() {
        var chain = Chain()
        let before = chain.state
        let stranger = P256TransactionVerifier.sign(payload: Data("16 KiB of anything".utf8), with: P256.Signing.PrivateKey())
        #expect(chain.rules.problem(with: stranger, at: 1, time: chain.time)?.code == .permissionDenied)
        #expect(chain.apply(stranger)?.code == .permissionDenied)
        #expect(chain.rules.notes == 0)
        #expect(chain.state == before)
    }

    @Test("a data center of the membership records an opaque note with its own key")
    func dataCenterNote() {
        var chain = Chain()
        #expect(chain.apply(P256TransactionVerifier.sign(payload: Data("from ledger-2".utf8), with: chain.dataCenters[1].key)) == nil)
        #expect(chain.rules.notes == 1)
    }

    @Test("a member records a note entry carrying its certificate: the check before ordering and the rules both take it")
    func memberNote() throws {
        let members = try Members()
        var chain = Chain()
        let note = P256TransactionVerifier.sign(
            payload: Self.noteEntry(certificate: try Self.der(members.generator), data: Data("meter 7: 1234 kWh".utf8)), with: members.generator.privateKey
        )
        #expect(Self.check(members).problem(note) == nil)
        #expect(chain.apply(note) == nil)
        #expect(chain.rules.notes == 1)
    }

    @Test("a note entry whose certificate is another member's is refused with 7 before ordering")
    func borrowedCertificate() throws {
        let members = try Members()
        let borrowed = P256TransactionVerifier.sign(
            payload: Self.noteEntry(certificate: try Self.der(members.generator), data: Data("not mine".utf8)), with: P256.Signing.PrivateKey()
        )
        #expect(Self.check(members).problem(borrowed)?.code == .permissionDenied)
    }

    @Test("a note entry whose certificate another CA issued is refused with 7 before ordering")
    func foreignCertificate() throws {
        let members = try Members()
        let foreign = try Members()
        let note = P256TransactionVerifier.sign(
            payload: Self.noteEntry(certificate: try Self.der(foreign.consumer), data: Data("forged membership".utf8)), with: foreign.consumer.privateKey
        )
        #expect(Self.check(members).problem(note)?.code == .permissionDenied)
    }

    @Test("once the data centers' vote revokes a member, its notes are refused with 7")
    func revokedMember() throws {
        let members = try Members()
        var chain = Chain()
        let id = try chain.propose(.revokeMember(memberId: members.consumer.memberID))
        chain.approve(id, by: 0..<3)
        #expect(chain.rules.revoked.contains(members.consumer.memberID))
        let note = P256TransactionVerifier.sign(
            payload: Self.noteEntry(certificate: try Self.der(members.consumer), data: Data("after revocation".utf8)), with: members.consumer.privateKey
        )
        #expect(chain.apply(note)?.code == .permissionDenied)
        #expect(chain.rules.notes == 0)
    }
}
