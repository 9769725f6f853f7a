import Auth
import Bus
import Consensus
import Contracts
import Credentials
import Crypto
import Foundation
import LedgerKit
import LedgerRules
import Messages
import Testing

/// The whole contract path as real processes: registry, matching, review, dispatch and four data
/// centers that take the CA and revocations from the registry. The data centers register
/// themselves; the trading center approves them here, as an operator would.
struct ContractRig {
    let desk: TradeDeskRig
    let ledger: LedgerRig
    let gridCompany: MemberSigner
    /// The data centers' own keys, node 1 first.
    let dataCenterKeys: [P256.Signing.PrivateKey]

    init() async throws {
        // The desk submits to the first data center, so it must know its port before the ledger starts.
        let ledgerPorts = try (0..<4).map { _ in (try freePort(), try freePort()) }
        desk = try await TradeDeskRig(ledgerPorts: ledgerPorts[0])
        let registry = desk.market.registry
        ledger = try await LedgerRig(ports: ledgerPorts, environment: [
            "GRIDTRADE_REGISTRY_ENDPOINT": registry.process.rpcEndpoint,
            "GRIDTRADE_REGISTRY_EVENTS": registry.process.eventsEndpoint,
        ])
        gridCompany = try await registry.admit(RegisterRequest(role: .gridCompany, legalName: "Grid", licence: "GC-1", contact: "ops"))
        let keyDirectory = ledger.keys
        let keys = try (1...4).map { try MemberKey.readPrivateKey(from: keyDirectory.appendingPathComponent("node-\($0).pem").path) }
        dataCenterKeys = keys
        for key in keys {
            let id = MemberIDs.derive(key.publicKey)
            try await ledger.eventually("data center \(id) registered itself") {
                (try? await registry.client.call(RegistryAPI.getMember, MemberQuery(memberId: id))) != nil
            }
            _ = try await registry.client.call(RegistryAPI.approve, MemberDecision(memberId: id), signer: registry.tradingCenter)
        }
    }

    var registry: RegistryRig { desk.market.registry }
    var consumer: MemberSigner { desk.market.consumer }

    /// A confirmed order, reviewed and checked, drafted by the trading center and countersigned
    /// by the dispatch center; not yet signed by consumer, generator and grid company.
    func draft(_ unit: String = "GU1", mwh: Double = 100) async throws -> (order: TradeOrder, contract: SignedContract) {
        let order = try await desk.confirmedOrder(unit, mwh: mwh)
        _ = try await desk.decision(order.id)
        let check = try await desk.result(order.id)
        let draft = try await desk.reviewClient.call(
            ReviewAPI.draftContract, DraftContractRequest(orderId: order.id, gridCompany: gridCompany.memberID, securityCheck: check.statement),
            signer: consumer
        )
        let countersigned = try await desk.dispatchClient.call(DispatchAPI.signContract, SignContractRequest(contract: draft), signer: consumer)
        return (order, countersigned)
    }

    /// `draft`, then signed by the three contracting parties.
    func signedContract(_ unit: String = "GU1", mwh: Double = 100) async throws -> (order: TradeOrder, contract: SignedContract) {
        let (order, draft) = try await draft(unit, mwh: mwh)
        var contract = draft
        for signer in [consumer, desk.market.units[unit]!, gridCompany] { contract = try ContractSigning.sign(contract, by: signer) }
        return (order, contract)
    }

    func submit(_ entry: LedgerEntry, key: P256.Signing.PrivateKey = P256Keys.fresh(), node: Int = 0) async throws -> SubmitReply {
        let transaction = P256TransactionVerifier.sign(payload: entry.encoded(), with: key)
        return try await ledger.clients[node].call(LedgerAPI.submit, SubmitRequest(transaction: transaction, wait: true), deadline: .seconds(30))
    }

    /// Every data center's contracts, proposals and height, once all have stored the same height:
    /// equal before and after a refused input.
    func ledgerState() async throws -> [String] {
        try await ledger.eventually("the data centers store the same height") {
            var heights = Set<UInt64>()
            for index in 0..<4 { heights.insert((try? await ledger.status(index))?.height ?? .max) }
            return heights.count == 1
        }
        var states: [String] = []
        for client in ledger.clients {
            let contracts = try await client.call(LedgerAPI.listContracts, ContractListQuery())
            let proposals = try await client.call(LedgerAPI.listProposals, ProposalListQuery())
            let status = try await client.call(LedgerAPI.status, Empty())
            states.append("height \(status.height) contracts \(contracts.contracts.map { "\($0.contractId)@\($0.height):\($0.status)" }) "
                + "proposals \(proposals.proposals.map { "\($0.proposalId):\($0.status):\($0.votes.count)" })")
        }
        return states
    }

    func stop() async {
        await ledger.stop()
        await desk.stop()
    }
}
