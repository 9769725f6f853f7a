import Crypto
import Foundation
import Messages

/// Drafts a contract (terms sealed to every party, document listing the copies, no signatures
/// yet) and reads a party's copy back.
public enum ContractDraft {
    /// 32 random bytes, hex.
    public static func salt() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    /// - Parameter keys: every party's certified public key, by member id.
    public static func make(
        terms: ContractTerms, parties: [ContractParty], keys: [String: P256.Signing.PublicKey], version: Int = 1, draftedAtMs: Int64
    ) throws -> SignedContract {
        let clear = try encode(terms)
        let months = terms.monthlySplit.map(\.month).sorted()
        guard let first = months.first, let last = months.last else { throw ContractProblem(.invalidArgument, "the terms have no delivery month") }
        var copies: [SealedCopy] = []
        var digests: [CopyDigest] = []
        for party in parties {
            guard let key = keys[party.member] else { throw ContractProblem(.invalidArgument, "no certified key for \(party.member)") }
            let copy = try ContractSeal.seal(clear, contract: terms.contractId, to: party.member, key: key)
            guard let digest = ContractSeal.digest(copy) else { throw ContractProblem(.invalidArgument, "the copy sealed to \(party.member) is not base64") }
            copies.append(copy)
            digests.append(CopyDigest(recipient: copy.recipient, sha256: digest))
        }
        let document = ContractDocument(
            contractId: terms.contractId, version: version, orderId: terms.orderId, parties: parties, periodStart: first.rawValue, periodEnd: last.rawValue,
            termsHash: SHA256.hash(data: clear).hexString,
            copies: digests, draftedAtMs: draftedAtMs
        )
        return SignedContract(document: try encode(document).base64EncodedString(), copies: copies, signatures: [])
    }

    /// The terms as `member` reads them with its private key: its copy opened, checked against
    /// the hash every party signed.
    public static func read(_ contract: SignedContract, as member: String, key: P256.Signing.PrivateKey) throws(ContractProblem) -> ContractTerms {
        let document = try ContractSigning.document(of: contract)
        guard let copy = contract.copies.first(where: { $0.recipient == member }) else {
            throw ContractProblem(.permissionDenied, "\(member) is not a party to \(document.contractId): no copy is sealed to it")
        }
        let clear = try ContractSeal.open(copy, contract: document.contractId, with: key)
        guard SHA256.hash(data: clear).hexString == document.termsHash else {
            throw ContractProblem(.invalidArgument, "the copy sealed to \(member) does not hash to the terms the parties signed")
        }
        do {
            return try JSONDecoder().decode(ContractTerms.self, from: clear)
        } catch {
            throw ContractProblem(.invalidArgument, "the terms do not decode: \(error)")
        }
    }
}
