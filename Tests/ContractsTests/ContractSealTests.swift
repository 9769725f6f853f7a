import Contracts
import Credentials
import Crypto
import Foundation
import Messages
import Testing

@Suite("Terms sealed to each party with HPKE; only a hash in the public document")
struct ContractSealTests {
    @Test("every party reads back exactly the drafted terms with its own key")
    func everyPartyReads() throws {
        let fixture = try ContractFixture(generators: 2)
        let terms = fixture.terms()
        let contract = try fixture.signed(terms)
        for party in fixture.signers {
            #expect(try ContractDraft.read(contract, as: party.memberID, key: party.privateKey) == terms)
        }
    }

    @Test("a party's key opens only its own copy: the HPKE info binds the copy to its recipient")
    func ownCopyOnly() throws {
        let fixture = try ContractFixture()
        let contract = try fixture.signed()
        let document = try ContractSigning.document(of: contract)
        // The consumer's key against the generator's copy.
        #expect(throws: ContractProblem.self) {
            try ContractSeal.open(contract.copies[1], contract: document.contractId, with: fixture.consumer.privateKey)
        }
        // The consumer's own copy relabelled for another contract id does not open either.
        #expect(throws: ContractProblem.self) {
            try ContractSeal.open(contract.copies[0], contract: "ct-o-9999", with: fixture.consumer.privateKey)
        }
        _ = try ContractSeal.open(contract.copies[0], contract: document.contractId, with: fixture.consumer.privateKey)
    }

    @Test("a member who is not a party can open no copy and cannot read the contract")
    func nonPartyCannotRead() throws {
        let fixture = try ContractFixture()
        let contract = try fixture.signed()
        let document = try ContractSigning.document(of: contract)
        let outsider = fixture.outsider
        for copy in contract.copies {
            let problem = #expect(throws: ContractProblem.self) {
                try ContractSeal.open(copy, contract: document.contractId, with: outsider.privateKey)
            }
            #expect(problem?.code == .permissionDenied)
        }
        let asItself = #expect(throws: ContractProblem.self) {
            try ContractDraft.read(contract, as: outsider.memberID, key: outsider.privateKey)
        }
        #expect(asItself?.code == .permissionDenied)
        // Claiming to be a party does not help without that party's key.
        #expect(throws: ContractProblem.self) {
            try ContractDraft.read(contract, as: fixture.consumer.memberID, key: outsider.privateKey)
        }
    }

    @Test("the public document carries neither the price nor any clear term, only their hash")
    func documentHidesTerms() throws {
        let fixture = try ContractFixture()
        let terms = fixture.terms()
        let contract = try fixture.signed(terms)
        let bytes = contract.documentBytes
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("47.3125") == false)
        #expect(bytes.range(of: Data("47.3125".utf8)) == nil)
        #expect(text.contains("price") == false)
        #expect(text.contains(terms.salt) == false)
        #expect(text.contains(terms.reviewDecision) == false)
        // The JSON encoder would write the price like this, had it been there.
        let clear = try JSONEncoder().encode(terms)
        #expect(String(decoding: clear, as: UTF8.self).contains("47.3125"))
    }

    @Test("terms_hash is the SHA-256 of the clear bytes each party's copy opens to, and all copies open to the same bytes")
    func termsHash() throws {
        let fixture = try ContractFixture()
        let contract = try fixture.signed()
        let document = try fixture.verify(contract)
        var opened: Set<Data> = []
        for party in fixture.signers {
            let copy = try #require(contract.copies.first { $0.recipient == party.memberID })
            let clear = try ContractSeal.open(copy, contract: document.contractId, with: party.privateKey)
            #expect(Data(SHA256.hash(data: clear)).hexString == document.termsHash)
            opened.insert(clear)
        }
        #expect(opened.count == 1)
    }

    @Test("the copy digests the document lists are SHA-256 of encapsulated key then ciphertext")
    func copyDigests() throws {
        let fixture = try ContractFixture()
        let contract = try fixture.signed()
        let document = try ContractSigning.document(of: contract)
        for (copy, listed) in zip(contract.copies, document.copies) {
            let bytes = Data(base64Encoded: copy.encapsulatedKey)! + Data(base64Encoded: copy.ciphertext)!
            #expect(listed.recipient == copy.recipient)
            #expect(listed.sha256 == Data(SHA256.hash(data: bytes)).hexString)
            #expect(Data(base64Encoded: copy.encapsulatedKey)!.count == 65)
        }
    }

    @Test("two drafts of the same terms differ in every copy (fresh HPKE encapsulation) but not in terms_hash; a new salt changes it")
    func freshSealing() throws {
        let fixture = try ContractFixture()
        let terms = fixture.terms()
        let first = try fixture.draft(terms)
        let second = try fixture.draft(terms)
        for (a, b) in zip(first.copies, second.copies) { #expect(a.ciphertext != b.ciphertext) }
        // Same clear terms, same hash; a new salt (everything else equal) changes it.
        #expect(try ContractSigning.document(of: first).termsHash == ContractSigning.document(of: second).termsHash)
        var salted = terms
        salted.salt = ContractDraft.salt()
        #expect(try ContractSigning.document(of: fixture.draft(salted)).termsHash != ContractSigning.document(of: first).termsHash)
    }

    @Test("a copy whose clear bytes do not hash to terms_hash is refused when read")
    func readChecksHash() throws {
        let fixture = try ContractFixture()
        let contract = try fixture.signed()
        let document = try ContractSigning.document(of: contract)
        // Reseal other terms to the consumer under the same contract id: it opens, but its hash differs.
        var other = fixture.terms()
        other.price = 1
        let clear = try JSONEncoder().encode(other)
        var tampered = contract
        tampered.copies[0] = try ContractSeal.seal(clear, contract: document.contractId, to: fixture.consumer.memberID, key: fixture.consumer.privateKey.publicKey)
        let problem = #expect(throws: ContractProblem.self) {
            try ContractDraft.read(tampered, as: fixture.consumer.memberID, key: fixture.consumer.privateKey)
        }
        #expect(problem?.code == .invalidArgument)
    }
}
