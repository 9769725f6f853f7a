import Contracts
import Credentials
import Crypto
import Foundation
import Messages
import Testing

@Suite("Five-party contract signatures, as a data center checks them")
struct ContractSigningTests {
    @Test("a contract drafted for five parties and signed by all five verifies, and the check returns its document")
    func fiveSignatures() throws {
        let fixture = try ContractFixture()
        let terms = fixture.terms()
        let contract = try fixture.signed(terms)
        #expect(contract.signatures.map(\.member) == fixture.signers.map(\.memberID))
        let document = try fixture.verify(contract)
        #expect(document.contractId == "ct-o-1001")
        #expect(document.orderId == "o-1001")
        #expect(document.version == 1)
        #expect(document.parties == fixture.parties)
        // The period is the first and last month of the split, whatever order the split lists them in.
        #expect(document.periodStart == "2099-01")
        #expect(document.periodEnd == "2099-03")
        #expect(document.copies.map(\.recipient) == fixture.signers.map(\.memberID))
        #expect(document == (try ContractSigning.document(of: contract)))
    }

    @Test("a coalition of two generators signs and verifies like any other contract")
    func coalition() throws {
        let fixture = try ContractFixture(generators: 2)
        let document = try fixture.verify(try fixture.signed())
        #expect(document.parties.filter { $0.role == .generator }.map(\.member) == fixture.generators.map(\.memberID))
        #expect(document.parties.count == 6)
        #expect(document.copies.count == 6)
    }

    @Test("signing again replaces the signer's signature instead of adding a second one")
    func resigning() throws {
        let fixture = try ContractFixture()
        let contract = try ContractSigning.sign(try fixture.signed(), by: fixture.consumer)
        #expect(contract.signatures.count == 5)
        #expect(fixture.refusal(contract) == nil)
    }

    @Test("a party that did not sign makes the whole contract unauthenticated")
    func missingSignature() throws {
        let fixture = try ContractFixture()
        let contract = try fixture.sign(try fixture.draft(), by: fixture.signers.filter { $0.memberID != fixture.gridCompany.memberID })
        #expect(fixture.refusal(contract) == .unauthenticated)
    }

    @Test("a signature copied from another party does not verify for the party it is set beside")
    func copiedSignatureBytes() throws {
        let fixture = try ContractFixture()
        var contract = try fixture.signed()
        contract.signatures[1].signature = contract.signatures[0].signature
        #expect(fixture.refusal(contract) == .unauthenticated)
    }

    @Test("a signature by another key, set beside the party's genuine certificate, is unauthenticated")
    func signatureByAnotherKey() throws {
        let fixture = try ContractFixture()
        let forger = MemberSigner(memberID: fixture.generator.memberID, privateKey: P256.Signing.PrivateKey(), certificate: fixture.generator.certificate)
        let contract = try ContractSigning.sign(try fixture.signed(), by: forger)
        #expect(contract.signatures.count == 5)
        #expect(fixture.refusal(contract) == .unauthenticated)
    }

    @Test("a signature over other document bytes (one flipped bit of the signature) is unauthenticated")
    func tamperedSignature() throws {
        let fixture = try ContractFixture()
        var contract = try fixture.signed()
        var bytes = Data(base64Encoded: contract.signatures[4].signature)!
        bytes[bytes.count - 1] ^= 0x01
        contract.signatures[4].signature = bytes.base64EncodedString()
        #expect(fixture.refusal(contract) == .unauthenticated)
    }

    @Test("a certificate the trading center's CA did not issue is unauthenticated, even for the right key, id and role")
    func foreignCertificate() throws {
        let fixture = try ContractFixture()
        // Same default CA name, so the issuer names match and only the CA's signature tells them apart.
        let other = try CertificateAuthority.create(now: Date())
        let impostor = try ContractFixture.member(other, .dispatchCenter, key: fixture.dispatchCenter.privateKey)
        #expect(impostor.memberID == fixture.dispatchCenter.memberID)
        let contract = try ContractSigning.sign(try fixture.signed(), by: impostor)
        #expect(fixture.refusal(contract) == .unauthenticated)
    }

    @Test("another member's certificate beside a party's signature is unauthenticated")
    func someoneElsesCertificate() throws {
        let fixture = try ContractFixture()
        var contract = try fixture.signed()
        contract.signatures[0].certificate = contract.signatures[1].certificate
        #expect(fixture.refusal(contract) == .unauthenticated)
    }

    @Test("a party whose certificate is in another role than the one it signs as is denied")
    func wrongRole() throws {
        let fixture = try ContractFixture()
        // A certified generator named as the contract's consumer.
        let generatorAsConsumer = try ContractFixture.member(fixture.authority, .generator)
        var parties = fixture.parties
        parties[0] = ContractParty(member: generatorAsConsumer.memberID, role: .consumer)
        var keys = fixture.keys
        keys[generatorAsConsumer.memberID] = generatorAsConsumer.privateKey.publicKey
        let draft = try ContractDraft.make(terms: fixture.terms(), parties: parties, keys: keys, draftedAtMs: 0)
        let contract = try fixture.sign(draft, by: [generatorAsConsumer] + fixture.signers.dropFirst())
        #expect(fixture.refusal(contract) == .permissionDenied)
    }

    @Test("a revoked party is denied although its signature verifies; the others' revocation status is what the check asks")
    func revokedSigner() throws {
        let fixture = try ContractFixture()
        let contract = try fixture.signed()
        #expect(fixture.refusal(contract, revoked: [fixture.tradingCenter.memberID]) == .permissionDenied)
        #expect(fixture.refusal(contract, revoked: [fixture.outsider.memberID]) == nil)
    }

    @Test("a sealed copy whose ciphertext was altered is not the copy the document lists")
    func alteredCopy() throws {
        let fixture = try ContractFixture()
        var contract = try fixture.signed()
        var ciphertext = Data(base64Encoded: contract.copies[2].ciphertext)!
        ciphertext[0] ^= 0xFF
        contract.copies[2].ciphertext = ciphertext.base64EncodedString()
        #expect(fixture.refusal(contract) == .invalidArgument)
    }

    @Test("two parties' sealed copies swapped, or a copy from another draft of the same terms, are refused")
    func swappedCopies() throws {
        let fixture = try ContractFixture()
        let terms = fixture.terms()
        let contract = try fixture.signed(terms)

        var swapped = contract
        (swapped.copies[0].encapsulatedKey, swapped.copies[1].encapsulatedKey) = (contract.copies[1].encapsulatedKey, contract.copies[0].encapsulatedKey)
        (swapped.copies[0].ciphertext, swapped.copies[1].ciphertext) = (contract.copies[1].ciphertext, contract.copies[0].ciphertext)
        #expect(fixture.refusal(swapped) == .invalidArgument)

        // A fresh sealing of the same clear terms to the same recipient opens fine but is another copy.
        var resealed = contract
        resealed.copies[3] = try fixture.draft(terms).copies[3]
        #expect(fixture.refusal(resealed) == .invalidArgument)

        var missing = contract
        missing.copies.removeLast()
        #expect(fixture.refusal(missing) == .invalidArgument)
    }

    @Test("a signature by a member who is not a party is refused as malformed")
    func nonPartySignature() throws {
        let fixture = try ContractFixture()
        let contract = try ContractSigning.sign(try fixture.signed(), by: fixture.outsider)
        #expect(fixture.refusal(contract) == .invalidArgument)
    }

    @Test("a contract id that is not ct- followed by the order id is refused as malformed")
    func contractIdNotFromOrder() throws {
        let fixture = try ContractFixture()
        let contract = try fixture.signed(fixture.terms(order: "o-1001", contractId: "ct-o-1002"))
        #expect(fixture.refusal(contract) == .invalidArgument)
        #expect(fixture.refusal(try fixture.signed(fixture.terms(order: "o-1001", contractId: "o-1001"))) == .invalidArgument)
    }

    @Test("parties that are not one consumer, generators, one grid company, one trading center and one dispatch center are refused")
    func partyRoles() throws {
        let fixture = try ContractFixture()
        // No dispatch center.
        let withoutDispatch = try fixture.sign(try fixture.draft(parties: Array(fixture.parties.dropLast())), by: Array(fixture.signers.dropLast()))
        #expect(fixture.refusal(withoutDispatch) == .invalidArgument)
    }

    @Test("a document that is not base64 or not a contract document is refused as malformed")
    func undecodableDocument() throws {
        let fixture = try ContractFixture()
        var contract = try fixture.signed()
        contract.document = "not base64!"
        #expect(fixture.refusal(contract) == .invalidArgument)
        contract.document = Data("{}".utf8).base64EncodedString()
        #expect(fixture.refusal(contract) == .invalidArgument)
    }

    @Test("a sealed copy to someone who is not a party is refused: only the parties may read the terms")
    func copyForNonParty() throws {
        let fixture = try ContractFixture()
        // Drafted with the outsider as a sixth recipient, then the outsider dropped from the parties:
        // the document still lists (and every party signs) a copy sealed to the outsider.
        let withOutsider = fixture.parties + [ContractParty(member: fixture.outsider.memberID, role: .generator)]
        let draft = try fixture.draft(parties: withOutsider)
        var document = try ContractSigning.document(of: draft)
        document.parties.removeLast()
        let contract = try fixture.sign(try draft.replacingDocument(document))
        #expect(try ContractDraft.read(contract, as: fixture.outsider.memberID, key: fixture.outsider.privateKey) == (try ContractDraft.read(contract, as: fixture.consumer.memberID, key: fixture.consumer.privateKey)))
        #expect(fixture.refusal(contract) == .invalidArgument)
    }
}
