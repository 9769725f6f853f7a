import Bus
import Contracts
import Messages
import RegistryLink
import Storage

/// The dispatch center's side of `Dispatch/SignContract`: it gathers what the countersigning rules
/// need (the caller, its signer, its own stored check of the contract's order) and returns what
/// `ContractCountersigning` decides.
struct ContractCountersign {
    let store: SQLiteStore
    let registry: RegistryLink
    let identity: ServiceIdentity

    func sign(_ request: SignContractRequest, context: RequestContext) async throws -> SignedContract {
        let caller = try await registry.caller(context, recordingIn: store)
        let plan = try ContractCountersigning.open(request.contract, signer: identity.current)
        let check = try await store.read { try DispatchStore.result(OrderID(plan.document.orderId), $0) }
        return try ContractCountersigning.countersign(plan, caller: caller.memberID, check: check)
    }
}
