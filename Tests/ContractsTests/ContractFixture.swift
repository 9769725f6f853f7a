import Auth
import Contracts
import Credentials
import Crypto
import Foundation
import Messages
import Testing

/// A trading center's CA and the five parties of one contract (consumer, generator(s), grid
/// company, trading center, dispatch center), each with its own P-256 key and a certificate in
/// its role, plus an outsider: a certified member who is party to nothing.
struct ContractFixture {
    let authority: CertificateAuthority
    let consumer: MemberSigner
    let generators: [MemberSigner]
    let gridCompany: MemberSigner
    let tradingCenter: MemberSigner
    let dispatchCenter: MemberSigner
    let outsider: MemberSigner

    init(generators count: Int = 1) throws {
        let authority = try CertificateAuthority.create(now: Date())
        self.authority = authority
        consumer = try Self.member(authority, .consumer)
        generators = try (0..<count).map { _ in try Self.member(authority, .generator) }
        gridCompany = try Self.member(authority, .gridCompany)
        tradingCenter = try Self.member(authority, .tradingCenter)
        dispatchCenter = try Self.member(authority, .dispatchCenter)
        outsider = try Self.member(authority, .consumer)
    }

    /// A member with a fresh key, the id derived from it, and a certificate `authority` issued in `role`.
    static func member(_ authority: CertificateAuthority, _ role: Role, key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) throws -> MemberSigner {
        let id = MemberIDs.derive(key.publicKey)
        let certificate = try authority.issue(memberID: id, role: role, publicKey: key.publicKey, now: Date())
        return MemberSigner(memberID: id, privateKey: key, certificate: certificate)
    }

    var generator: MemberSigner { generators[0] }

    /// Every signer, in the order the document lists the parties.
    var signers: [MemberSigner] { [consumer] + generators + [gridCompany, tradingCenter, dispatchCenter] }

    var parties: [ContractParty] {
        [ContractParty(member: consumer.memberID, role: .consumer)]
            + generators.map { ContractParty(member: $0.memberID, role: .generator) }
            + [
                ContractParty(member: gridCompany.memberID, role: .gridCompany),
                ContractParty(member: tradingCenter.memberID, role: .tradingCenter),
                ContractParty(member: dispatchCenter.memberID, role: .dispatchCenter),
            ]
    }

    /// Every party's certified public key, as the drafter looks them up.
    var keys: [String: P256.Signing.PublicKey] {
        Dictionary(uniqueKeysWithValues: (signers + [outsider]).map { ($0.memberID, $0.privateKey.publicKey) })
    }

    /// A distinctive price, so a test can look for its digits in public bytes.
    static let price = 47.3125

    func terms(order: String = "o-1001", contractId: String? = nil) -> ContractTerms {
        let split = [MonthlyEnergy(month: "2099-03", mwh: 120), MonthlyEnergy(month: "2099-01", mwh: 100), MonthlyEnergy(month: "2099-02", mwh: 80)]
        let share = 300 / Double(generators.count)
        return ContractTerms(
            contractId: contractId ?? ContractDocument.contractID(order: order), orderId: order, buyer: consumer.memberID,
            sellers: generators.map { SellerShare(member: $0.memberID, mwh: share) }, price: Self.price, energyMwh: 300,
            monthlySplit: split, gridCompany: gridCompany.memberID, sellerBus: 3, buyerBus: 7,
            reviewDecision: String(repeating: "a", count: 64), securityCheck: String(repeating: "b", count: 64), salt: ContractDraft.salt()
        )
    }

    func draft(_ terms: ContractTerms? = nil, parties: [ContractParty]? = nil) throws -> SignedContract {
        try ContractDraft.make(terms: terms ?? self.terms(), parties: parties ?? self.parties, keys: keys, draftedAtMs: 1_700_000_000_000)
    }

    /// `contract` signed by `signers` (every party by default), in that order.
    func sign(_ contract: SignedContract, by signers: [MemberSigner]? = nil) throws -> SignedContract {
        try (signers ?? self.signers).reduce(contract) { try ContractSigning.sign($0, by: $1) }
    }

    /// A drafted contract every party signed.
    func signed(_ terms: ContractTerms? = nil) throws -> SignedContract { try sign(try draft(terms)) }

    /// What a data center's check makes of `contract`, trusting this fixture's CA.
    func verify(_ contract: SignedContract, revoked: Set<String> = []) throws(ContractProblem) -> ContractDocument {
        try ContractSigning.verify(contract, certificates: CertificateCache(authority: authority.certificate), isRevoked: { revoked.contains($0) })
    }

    /// The code `verify` refuses `contract` with, or nil if it accepts it.
    func refusal(_ contract: SignedContract, revoked: Set<String> = []) -> ContractProblem.Code? {
        do {
            _ = try verify(contract, revoked: revoked)
            return nil
        } catch {
            return error.code
        }
    }
}

extension SignedContract {
    /// The document's exact bytes.
    var documentBytes: Data { Data(base64Encoded: document)! }

    /// A copy with the document replaced by `document` (no signatures: they covered the old bytes).
    func replacingDocument(_ document: ContractDocument) throws -> SignedContract {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SignedContract(document: try encoder.encode(document).base64EncodedString(), copies: copies, signatures: [])
    }
}

extension Data {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
