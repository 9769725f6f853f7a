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
import TestSupport
import Testing

@Suite("Contracts on the ledger, as real processes", .serialized)
struct ContractLedgerTests {
    @Test("a reviewed, checked order becomes a five-signature contract on every data center; only its parties read the terms; an extension node verifies its proof with the registry's keys and refuses a doctored one")
    func contractLifecycle() async throws {
        let rig = try await ContractRig()
        try await stopping(rig.stop) {
            let subscriber = try EventSubscriber(endpoint: rig.ledger.nodes[2].eventsEndpoint, rpc: rig.ledger.clients[2])
            let committedEvents = subscriber.subscribe(LedgerAPI.contractCommitted)
            let (order, contract) = try await rig.signedContract(mwh: 100)
            let document = try ContractSigning.document(of: contract)
            #expect(document.parties.map(\.role) == [.consumer, .generator, .gridCompany, .tradingCenter, .dispatchCenter])
            #expect(contract.signatures.count == 5)

            // Uploaded to data center 2; every data center records it.
            let reply = try await rig.submit(.contract(contract), node: 1)
            #expect(reply.committed)
            for client in rig.ledger.clients {
                let record = try await eventually { try await client.call(LedgerAPI.getContract, ContractQuery(contractId: document.contractId)) }
                #expect(record.status == .active && record.height == reply.height && record.document == document)
            }
            let event = try await firstEvent(committedEvents, timeout: .seconds(10))
            #expect(event.body.contractId == document.contractId)

            // A member's catch-up query finds it by member, month and height.
            let mine = try await rig.ledger.clients[3].call(LedgerAPI.listContracts, ContractListQuery(memberId: rig.consumer.memberID, month: rig.desk.month, fromHeight: 1))
            #expect(mine.contracts.map(\.contractId) == [document.contractId])
            let later = try await rig.ledger.clients[3].call(LedgerAPI.listContracts, ContractListQuery(memberId: rig.consumer.memberID, fromHeight: mine.height + 1))
            #expect(later.contracts.isEmpty)

            // Each party reads the terms with `gridtrade contract show --key`; an outsider's key opens nothing.
            let gridtrade = binDirectory.appendingPathComponent("gridtrade")
            let keys = try temporaryDirectory("contract-keys")
            let consumerKey = keys.appendingPathComponent("consumer.pem")
            try MemberKey.write(privateKey: rig.consumer.privateKey, to: consumerKey.path)
            let outsiderKey = keys.appendingPathComponent("outsider.pem")
            try MemberKey.write(privateKey: rig.desk.market.units["GU2"]!.privateKey, to: outsiderKey.path)
            let ledgerOption = ["--ledger", rig.ledger.nodes[0].rpcEndpoint]
            let shown = try await run(gridtrade, ["contract", "show", document.contractId, "--key", consumerKey.path] + ledgerOption)
            #expect(shown.status == 0, "\(shown.error)")
            let terms = try JSONDecoder().decode(ReadBack.self, from: Data(shown.output.utf8)).terms
            #expect(terms.orderId == order.id && terms.price == order.price && abs(terms.energyMwh - 100) < 1e-6)
            #expect(terms.monthlySplit.map(\.month) == [rig.desk.month])
            let refused = try await run(gridtrade, ["contract", "show", document.contractId, "--key", outsiderKey.path] + ledgerOption)
            #expect(refused.status == 1 && refused.error.contains("not a party"))
            let publicOnly = try await run(gridtrade, ["contract", "show", document.contractId] + ledgerOption)
            #expect(publicOnly.status == 0 && !publicOnly.output.contains("\"price\""))

            // The proof, checked against the registry's data-center keys.
            let proofFile = keys.appendingPathComponent("proof.json")
            let registryOption = ["--registry", rig.registry.process.rpcEndpoint]
            let proof = try await run(gridtrade, ["ledger", "proof", document.contractId, "--proof-out", proofFile.path] + ledgerOption + registryOption)
            #expect(proof.status == 0 && proof.output.hasPrefix("verified:"), "\(proof.output) \(proof.error)")
            // The headers an extension node keeps, each linked and certified by 3 of the registry's 4 data centers.
            let tip = try #require(reply.height)
            let headers = try await run(gridtrade, ["ledger", "headers", "--through", "\(tip)"] + ledgerOption + registryOption)
            let lines = headers.output.split(separator: "\n")
            #expect(headers.status == 0 && lines.count == Int(tip), "\(headers.output) \(headers.error)")
            #expect(lines.allSatisfy { $0.hasSuffix("of 4") && !$0.contains("signed by 0 ") && !$0.contains("signed by 1 ") && !$0.contains("signed by 2 ") })

            // A dishonest data center's doctored proofs: another leaf, a forged root, a re-signed certificate.
            let genuine = try JSONDecoder().decode(ContractProof.self, from: Data(contentsOf: proofFile))
            let stranger = P256Keys.fresh()
            var doctored: [ContractProof] = []
            var otherLeaf = genuine
            otherLeaf.transaction = P256TransactionVerifier.sign(payload: genuine.transaction.payload, with: stranger)
            doctored.append(otherLeaf)
            var forgedRoot = genuine
            let header = genuine.header
            let root = MerkleTree.root(of: [otherLeaf.transaction])
            forgedRoot = ContractProof(
                contractId: genuine.contractId, version: genuine.version, transaction: otherLeaf.transaction, height: genuine.height, index: 0,
                header: BlockHeader(height: header.height, previousHash: header.previousHash, merkleRoot: root, timestamp: header.timestamp, nonce: header.nonce, proposer: header.proposer, view: header.view),
                certificate: genuine.certificate, proof: MerkleTree.proof(of: 0, in: [otherLeaf.transaction])!
            )
            doctored.append(forgedRoot)
            var resigned = forgedRoot
            let hash = resigned.header.hash
            // Signed by one real data center (the dishonest one) and three keys the registry never approved.
            let signers = [rig.dataCenterKeys[0], stranger, P256Keys.fresh(), P256Keys.fresh()]
            resigned.certificate = CommitCertificate(height: header.height, headerHash: hash, signatures: signers.enumerated().map { index, key in
                ReplicaSignature(replica: ReplicaID(index), signature: try! key.signature(for: BlockHeader.signingBytes(hash)).derRepresentation)
            })
            doctored.append(resigned)
            for (number, proof) in doctored.enumerated() {
                let file = keys.appendingPathComponent("doctored-\(number).json")
                try JSONEncoder().encode(proof).write(to: file)
                let check = try await run(gridtrade, ["ledger", "proof", document.contractId, "--from-file", file.path] + registryOption)
                #expect(check.status == 1 && check.output.hasPrefix("REFUSED:"), "doctored proof \(number) was not refused: \(check.output)")
            }
        }
    }

    @Test("bad input gets its code and changes no data center: forged, missing or revoked signatures, a replay, an unreviewed order, a non-data-center vote, a double vote, a proposal to rewrite a block; a cancellation passes at 3 of 4 votes")
    func badInputAndGovernance() async throws {
        let rig = try await ContractRig()
        try await stopping(rig.stop) {
            let (_, contract) = try await rig.signedContract(mwh: 80)
            let document = try ContractSigning.document(of: contract)
            let recorded = try await rig.submit(.contract(contract))
            #expect(recorded.committed)
            let (_, second) = try await rig.signedContract("GU3", mwh: 60)
            let before = try await rig.ledgerState()

            // Forged: the grid company's signature replaced by one from another key.
            var forged = second
            let index = forged.signatures.firstIndex { $0.member == rig.gridCompany.memberID }!
            forged.signatures[index].signature = try P256Keys.fresh().signature(for: ContractSigning.message(document: Data(base64Encoded: second.document)!)).derRepresentation.base64EncodedString()
            #expect(await code { try await rig.submit(.contract(forged)) } == 16)
            // Missing: the consumer never signed.
            var missing = second
            missing.signatures.removeAll { $0.member == rig.consumer.memberID }
            #expect(await code { try await rig.submit(.contract(missing)) } == 16)
            // Replayed: the recorded contract again, uploaded by someone else; with a bad upload signature, 16 first.
            #expect(await code { try await rig.submit(.contract(contract)) } == 6)
            var badlySigned = P256TransactionVerifier.sign(payload: LedgerEntry.contract(contract).encoded(), with: P256Keys.fresh())
            badlySigned = Transaction(payload: badlySigned.payload, submitter: P256Keys.fresh().publicKey.x963Representation, signature: badlySigned.signature)
            #expect(await code { try await rig.ledger.clients[0].call(LedgerAPI.submit, SubmitRequest(transaction: badlySigned, wait: true)) } == 16)
            // An order never reviewed: the trading center will not draft it, and without its signature no data center takes it.
            let unreviewed = try await rig.desk.market.client.call(
                MatchingAPI.createOrder,
                CreateOrderRequest(seller: rig.desk.market.units["GU2"]!.memberID, buyer: rig.consumer.memberID, price: 14, monthlySplit: [.init(month: rig.desk.month, mwh: 5)]),
                signer: rig.consumer
            )
            let check = try await rig.desk.result(try await rig.confirmedOrderID())
            #expect(await code {
                try await rig.desk.reviewClient.call(
                    ReviewAPI.draftContract, DraftContractRequest(orderId: unreviewed.id, gridCompany: rig.gridCompany.memberID, securityCheck: check.statement),
                    signer: rig.consumer
                )
            } == 9)
            // Only a party to the order may have it drafted: the grid company may not (7).
            #expect(await code {
                try await rig.desk.reviewClient.call(
                    ReviewAPI.draftContract, DraftContractRequest(orderId: try await rig.confirmedOrderID(), gridCompany: rig.gridCompany.memberID, securityCheck: check.statement),
                    signer: rig.gridCompany
                )
            } == 7)
            var unsignedByCenters = second
            unsignedByCenters.signatures.removeAll { $0.member == rig.desk.dispatchCenter.memberID }
            #expect(await code { try await rig.submit(.contract(unsignedByCenters)) } == 16)

            // Governance: a vote by a member that is not a data center, a proposal to rewrite a block.
            let dataCenter = rig.dataCenterKeys[0]
            #expect(await code { try await rig.submit(.vote(Vote(proposalId: String(repeating: "0", count: 64), approve: true)), key: rig.consumer.privateKey) } == 7)
            let rewrite = Data(#"{"type":"proposal","body":{"action":{"type":"rewrite_block","height":1},"reason":"fix"}}"#.utf8)
            let rewriteTransaction = P256TransactionVerifier.sign(payload: rewrite, with: dataCenter)
            #expect(await code { try await rig.ledger.clients[0].call(LedgerAPI.submit, SubmitRequest(transaction: rewriteTransaction, wait: true)) } == 3)
            #expect(try await rig.ledgerState() == before, "a refused input changed a data center")

            // Only members write notes: the grid company with its certificate beside the note, not a stranger.
            let certificate = try #require(rig.gridCompany.certificate)
            let note = try MemberNote(certificate: certificate, note: Data("meter GC-1: 1 234 MWh".utf8))
            #expect(try await rig.submit(.note(note), key: rig.gridCompany.privateKey).committed)
            #expect(await code { try await rig.submit(.note(note), key: P256Keys.fresh()) } == 7)
            let stranger = P256TransactionVerifier.sign(payload: Data("anyone's 16 KiB".utf8), with: P256Keys.fresh())
            #expect(await code { try await rig.ledger.clients[1].call(LedgerAPI.submit, SubmitRequest(transaction: stranger, wait: true)) } == 7)

            // Revoked by the trading center: the data centers carry the registry's revocation onto the
            // chain by their own vote (a revoke_member proposal that passes at 3 of 4), and from that
            // block on every one of them refuses the member's signatures alike.
            _ = try await rig.registry.client.call(RegistryAPI.revoke, MemberDecision(memberId: rig.gridCompany.memberID, reason: "licence withdrawn"), signer: rig.registry.tradingCenter)
            try await rig.ledger.eventually("every data center's chain records the revocation", timeout: .seconds(60)) {
                for client in rig.ledger.clients {
                    let proposals = (try? await client.call(LedgerAPI.listProposals, ProposalListQuery()))?.proposals ?? []
                    guard proposals.contains(where: { $0.proposal.action == .revokeMember(memberId: rig.gridCompany.memberID) && $0.status == .passed }) else { return false }
                }
                return true
            }
            let revokedState = try await rig.ledgerState()
            #expect(await code { try await rig.submit(.contract(second)) } == 7)
            let later = try MemberNote(certificate: certificate, note: Data("after the revocation".utf8))
            #expect(await code { try await rig.submit(.note(later), key: rig.gridCompany.privateKey) } == 7)
            #expect(try await rig.ledgerState() == revokedState)

            // Cancel the recorded contract with `gridtrade propose` and `gridtrade vote`: 3 of 4 data
            // centers approve; a second vote by one is refused. Each step is announced.
            let subscriber = try EventSubscriber(endpoint: rig.ledger.nodes[3].eventsEndpoint, rpc: rig.ledger.clients[3])
            let opened = subscriber.subscribe(LedgerAPI.proposalOpened)
            let cast = subscriber.subscribe(LedgerAPI.voteCast)
            let decidedEvents = subscriber.subscribe(LedgerAPI.proposalDecided)
            let gridtrade = binDirectory.appendingPathComponent("gridtrade")
            let node1 = ["--key", rig.ledger.keys.appendingPathComponent("node-1.pem").path, "--ledger", rig.ledger.nodes[0].rpcEndpoint]
            let proposed = try await run(gridtrade, ["propose", "cancel-contract", document.contractId, "--reason", "parties agreed"] + node1)
            #expect(proposed.status == 0, "\(proposed.error)")
            let proposalID = try #require(try JSONSerialization.jsonObject(with: Data(proposed.output.utf8)) as? [String: Any])["proposal_id"] as! String
            #expect(try await firstEvent(opened, where: { $0.proposalId == proposalID }).body.proposalId == proposalID)
            let voted = try await run(gridtrade, ["vote", proposalID, "--yes"] + node1)
            #expect(voted.status == 0, "\(voted.error)")
            let firstVote = try await firstEvent(cast, where: { $0.proposalId == proposalID }).body
            #expect(firstVote.proposalId == proposalID && firstVote.dataCenter == "ledger-1" && firstVote.approve)
            #expect(await code { try await rig.submit(.vote(Vote(proposalId: proposalID, approve: false)), key: rig.dataCenterKeys[0], node: 2) } == 6)
            _ = try await rig.submit(.vote(Vote(proposalId: proposalID, approve: true)), key: rig.dataCenterKeys[1], node: 1)
            let open = try await rig.ledger.clients[1].call(LedgerAPI.getProposal, ProposalQuery(proposalId: proposalID))
            #expect(open.status == .open && open.required == 3)
            _ = try await rig.submit(.vote(Vote(proposalId: proposalID, approve: true)), key: rig.dataCenterKeys[3], node: 3)
            let decidedEvent = try await firstEvent(decidedEvents, where: { $0.proposalId == proposalID }).body
            #expect(decidedEvent.proposalId == proposalID && decidedEvent.status == .passed)
            let listed = try await run(gridtrade, ["proposals", "--ledger", rig.ledger.nodes[2].rpcEndpoint])
            #expect(listed.status == 0 && listed.output.contains(proposalID) && listed.output.contains("\"passed\""))
            _ = try await rig.ledgerState()
            for client in rig.ledger.clients {
                let decided = try await client.call(LedgerAPI.getProposal, ProposalQuery(proposalId: proposalID))
                #expect(decided.status == .passed && decided.yes == 3)
                let cancelled = try await client.call(LedgerAPI.getContract, ContractQuery(contractId: document.contractId))
                #expect(cancelled.status == .cancelled && cancelled.cancelledBy == proposalID && cancelled.height == recorded.height)
            }
            // Decided: a late vote is refused.
            #expect(await code { try await rig.submit(.vote(Vote(proposalId: proposalID, approve: false)), key: rig.dataCenterKeys[2]) } == 9)
        }
    }
}

/// The first event of `stream` whose body `matches`, failing the test after `timeout`: the
/// subscriber also catches up on earlier events of the topic (the data centers' own votes on the
/// revocation, say).
private func firstEvent<P>(
    _ stream: AsyncThrowingStream<Event<P>, any Error>, timeout: Duration = .seconds(10), where matches: @escaping @Sendable (P) -> Bool
) async throws -> Event<P> {
    try await withThrowingTaskGroup(of: Event<P>?.self) { group in
        group.addTask {
            for try await event in stream where matches(event.body) { return event }
            return nil
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try #require(try await group.next() ?? nil, "timed out waiting for a matching event")
    }
}

/// `gridtrade contract show --key`'s output.
private struct ReadBack: Decodable {
    let terms: ContractTerms
}

extension ContractRig {
    /// Any order this rig already had checked (for a genuine security-check statement of another order).
    func confirmedOrderID() async throws -> String {
        let list = try await desk.dispatchClient.call(DispatchAPI.listResults, CheckListQuery())
        return try #require(list.results.first?.result.orderId)
    }
}
