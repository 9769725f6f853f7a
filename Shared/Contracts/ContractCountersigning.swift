import Credentials
import Foundation
import Messages

/// A drafted contract the dispatch center can countersign as far as the contract itself goes: it
/// names this dispatch center and its copy opens to the signed terms. What is left to gather is
/// the dispatch center's own stored check of `document.orderId`.
public struct CountersignPlan: Sendable {
    public let contract: SignedContract
    public let document: ContractDocument
    /// The terms as this dispatch center's copy reads.
    public let terms: ContractTerms
    public let signer: MemberSigner
}

/// The dispatch center's countersigning rule (`Dispatch/SignContract`): it signs a drafted
/// contract only if its own copy of the terms says what its signed security check accepted, for
/// that order, citing that check. Pure: the dispatch service gathers the facts.
public enum ContractCountersigning {
    /// Whether the contract is one this dispatch center can countersign at all. In order: it can
    /// sign, the document decodes, its copy opens to the terms every party signed, and the document
    /// names it as the dispatch center.
    /// - Parameter signer: the dispatch center, once the registry certified it.
    public static func open(_ contract: SignedContract, signer: MemberSigner?) throws(ContractDeskError) -> CountersignPlan {
        guard let signer else { throw .notSigning(.dispatchCenter) }
        let document: ContractDocument
        let terms: ContractTerms
        do {
            document = try ContractSigning.document(of: contract)
            terms = try ContractDraft.read(contract, as: signer.memberID, key: signer.privateKey)
        } catch {
            throw .contract(error)
        }
        guard document.parties.contains(ContractParty(member: signer.memberID, role: .dispatchCenter)) else { throw .notTheDispatchCenter }
        return CountersignPlan(contract: contract, document: document, terms: terms, signer: signer)
    }

    /// The contract with the dispatch center's signature added (an earlier one of its own replaced).
    /// In order: the order was checked here, the caller is its buyer or seller, the network carries
    /// some of it, and the terms are what the check accepted.
    /// - Parameters:
    ///   - caller: the authenticated caller's member id.
    ///   - check: the dispatch center's stored check of `plan.document.orderId`, if it made one.
    public static func countersign(_ plan: CountersignPlan, caller: MemberID, check: SignedSecurityCheck?) throws(ContractDeskError) -> SignedContract {
        let orderId = OrderID(plan.document.orderId)
        guard let check, check.result.order == orderId else { throw .neverChecked(orderId: orderId) }
        guard caller == check.result.buyer || caller == check.result.seller else { throw .notBuyerOrSeller(orderId: orderId, act: .countersigned) }
        guard check.result.status != .rejected else { throw .refusedOnNetwork(orderId: orderId, act: .countersigned) }
        guard plan.terms.agree(with: check.result, checkPayload: Data(base64Encoded: check.statement.payload) ?? Data()) else {
            throw .termsDisagree(orderId: orderId)
        }
        do {
            return try ContractSigning.sign(plan.contract, by: plan.signer)
        } catch let problem as ContractProblem {
            throw .contract(problem)
        } catch {
            throw .cannotSign("\(error)")
        }
    }
}
