import Credentials
import Messages

/// What every party's signer does around the decision: open its copy of a draft, know which
/// orders' checks to gather, and turn a yes into the signature it returns to the desk.
extension PartyConsent {
    /// The draft's document and the terms as `signer`'s own copy opens to them (checked against
    /// the hash every party signs).
    public static func open(_ contract: SignedContract, as signer: MemberSigner) throws(ContractProblem) -> (document: ContractDocument, terms: ContractTerms) {
        let document = try ContractSigning.document(of: contract)
        let terms = try ContractDraft.read(contract, as: signer.memberID, key: signer.privateKey)
        return (document, terms)
    }

    /// The orders whose security checks the terms rest on: the order of a bilateral contract,
    /// every part's order of a coalition contract.
    public static func checkedOrders(of terms: ContractTerms) -> [OrderID] {
        guard let allocation = terms.allocation else { return [OrderID(terms.orderId)] }
        return allocation.map { OrderID($0.orderId) }
    }

    /// `signer`'s signature over the draft's document, as `Review/SignDraft` carries it.
    public static func signature(of contract: SignedContract, by signer: MemberSigner) throws -> ContractSignature {
        let signed = try ContractSigning.sign(contract, by: signer)
        guard let signature = signed.signatures.first(where: { $0.member == signer.memberID }) else {
            throw ContractProblem(.internal, "the signature of \(signer.memberID) is missing from the signed contract")
        }
        return signature
    }
}

/// One state of one draft: a draft that changes (another party signed, the desk re-drafted) has a
/// new `seq` and is judged again; the same state is judged once.
public struct DraftState: Hashable, Sendable {
    public let contractId: String
    public let seq: Int64

    public init(_ record: ContractDraftRecord) {
        contractId = record.contractId
        seq = record.seq
    }
}
