import Bus
import Contracts
import Foundation
import Messages
import RegistryLink
import Storage

/// The dispatch center signs a drafted contract (`Dispatch/SignContract`) only if its own copy
/// of the terms says what its signed security check accepted, for that order, citing that check.
struct ContractCountersign {
    let store: SQLiteStore
    let registry: RegistryLink
    let identity: ServiceIdentity

    func sign(_ request: SignContractRequest, context: RequestContext) async throws -> SignedContract {
        let caller = try await registry.caller(context, recordingIn: store)
        guard let signer = identity.current else { throw RPCError(.unavailable, "the dispatch center has no certificate yet; try again") }
        let document: ContractDocument
        let terms: ContractTerms
        do {
            document = try ContractSigning.document(of: request.contract)
            terms = try ContractDraft.read(request.contract, as: signer.memberID, key: signer.privateKey)
        } catch {
            throw RPCError(StatusCode(rawValue: error.code.rawValue) ?? .invalidArgument, error.message)
        }
        guard document.parties.contains(ContractParty(member: signer.memberID, role: .dispatchCenter)) else {
            throw RPCError(.failedPrecondition, "this dispatch center is not the contract's dispatch center")
        }
        guard let record = try await store.read({ try DispatchStore.result(document.orderId, $0) }) else {
            throw RPCError(.failedPrecondition, "trade order '\(document.orderId)' was never security-checked here")
        }
        guard caller.memberID == record.result.buyer || caller.memberID == record.result.seller else {
            throw RPCError(.permissionDenied, "only the buyer or the seller of '\(document.orderId)' may have its contract countersigned")
        }
        guard record.result.status != .rejected else {
            throw RPCError(.failedPrecondition, "trade order '\(document.orderId)' was refused on the network")
        }
        guard terms.agree(with: record.result, checkPayload: Data(base64Encoded: record.statement.payload) ?? Data()) else {
            throw RPCError(.failedPrecondition, "the contract's terms are not what the security check of '\(document.orderId)' accepted")
        }
        return try ContractSigning.sign(request.contract, by: signer)
    }
}
