import Auth
import Bus
import Contracts
import Credentials
import Foundation
import LedgerKit
import Messages
import Testing

/// The trade pipeline with the parties' own clients: `gridtrade agent --auto-sign` processes sign
/// for the consumer, the generators and the grid company, from their PEM key and certificate
/// files; and the bad input of issue 14, item 6, each against real processes.
@Suite("The trade pipeline signed by the members' agents, and what the agents and the desk refuse", .serialized)
struct PipelineAgentTests {
    @Test("agents sign a bilateral contract (five signatures) and the paper's coalition contract (seven): both committed on every data center, once")
    func agentsSign() async throws {
        let rig = try await ContractRig()
        let agents = Agents()
        try await stopping({ await agents.stop(); await rig.stop() }) {
            let market = rig.desk.market
            let targets = rig.desk.agentTargets
            try agents.start("consumer", rig.consumer, targets: targets)
            try agents.start("GU1", market.units["GU1"]!, targets: targets)
            try agents.start("grid company", rig.gridCompany, targets: targets)

            // Bilateral: the consumer, GU1 and the grid company sign through their agents, the
            // trading center as it drafts, the dispatch center on its own.
            let order = try await rig.desk.confirmedOrder("GU1", mwh: 100)
            let done = try await rig.desk.trades([order.id], reach: .committed, diagnostics: { agents.logs })
            let contractId = "ct-\(order.id)"
            let trade = try #require(done[order.id])
            #expect(trade.contractId == contractId)
            let height = try #require(trade.height)
            let record = try await rig.desk.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: contractId))
            let document = try ContractSigning.document(of: record.contract)
            #expect(record.status == .committed && record.height == height && record.awaiting.isEmpty)
            #expect(Set(record.contract.signatures.map(\.member)) == Set(document.parties.map(\.member)) && document.parties.count == 5)
            for (index, dataCenter) in try await rig.recorded([contractId]).enumerated() {
                let copies = dataCenter[contractId] ?? []
                #expect(copies.count == 1 && copies.first?.versions == 1, "data center \(index + 1): \(copies.count) records")
                #expect(copies.first?.signatures == 5 && copies.first?.height == height, "data center \(index + 1)")
            }

            // The paper's round: GU2 and GU3 sign too; one coalition contract for its three orders.
            try agents.start("GU2", market.units["GU2"]!, targets: targets)
            try agents.start("GU3", market.units["GU3"]!, targets: targets)
            let round = try await rig.desk.paperRound()
            let outcome = try #require(round.outcome)
            #expect(outcome.orderIds.count == 3)
            let trades = try await rig.desk.trades(outcome.orderIds, reach: .committed, diagnostics: { agents.logs })
            let coalition = "ct-\(round.id)"
            #expect(outcome.orderIds.allSatisfy { trades[$0]?.contractId == coalition })
            let roundHeight = try #require(trades[outcome.orderIds[0]]?.height)
            let draft = try await rig.desk.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: coalition))
            let parties = try ContractSigning.document(of: draft.contract).parties
            #expect(draft.status == .committed && draft.orderIds == outcome.orderIds && parties.count == 7)
            #expect(Set(draft.contract.signatures.map(\.member)) == Set(parties.map(\.member)))
            for (index, dataCenter) in try await rig.recorded([coalition]).enumerated() {
                let copies = dataCenter[coalition] ?? []
                #expect(copies.count == 1 && copies.first?.signatures == 7 && copies.first?.height == roundHeight, "data center \(index + 1)")
                // The bilateral contract is still there once, beside it.
                #expect(dataCenter[contractId]?.count == 1 && dataCenter.count == 2, "data center \(index + 1): \(dataCenter.keys.sorted())")
            }
            // No agent refused anything it was asked to sign.
            for agent in agents.all { #expect(!agent.logText.contains("draft refused"), "\(agent.name): \(agent.logText)") }
        }
    }

    @Test("an agent refuses a draft whose price is not its order's, names the price in its log, and returns no signature")
    func agentRefusesChangedTerms() async throws {
        let rig = try await TradeDeskRig()
        let consumer = rig.market.consumer
        let fake = try FakeDesk(member: consumer.member)
        let agents = Agents()
        try await stopping({ await agents.stop(); await fake.stop(); await rig.stop() }) {
            let gridCompany = try await rig.market.registry.admit(RegisterRequest(role: .gridCompany, legalName: "Grid", licence: "GC-1", contact: "ops"))
            let seller = rig.market.units["GU1"]!
            let tradingCenter = rig.market.registry.tradingCenter
            let order = try await rig.confirmedOrder("GU1", mwh: 100, price: 14)
            try await rig.trades([order.id], reach: .drafted)
            let real = try await rig.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: "ct-\(order.id)"))
            #expect(real.awaiting.contains(consumer.member))

            // The same terms at 15 $/MWh, sealed again to every party and signed by the trading
            // center: a draft that is well formed and opens, but is not what the consumer agreed to.
            var terms = try ContractDraft.read(real.contract, as: consumer.memberID, key: consumer.privateKey)
            #expect(terms.price == 14)
            terms.price = 15
            let document = try ContractSigning.document(of: real.contract)
            let keys = Dictionary(uniqueKeysWithValues: [consumer, seller, gridCompany, tradingCenter, rig.dispatchCenter].map { ($0.memberID, $0.privateKey.publicKey) })
            let resealed = try ContractDraft.make(terms: terms, parties: document.parties, keys: keys, draftedAtMs: document.draftedAtMs)
            var forged = real
            forged.contract = try ContractSigning.sign(resealed, by: tradingCenter)
            forged.awaiting = [consumer.member]
            forged.status = .signing
            fake.serve(forged)

            // The consumer's agent reads drafts from the fake desk, its order and the check from
            // the real matching and dispatch.
            var targets = rig.agentTargets
            targets.review = fake.rpcEndpoint
            targets.reviewEvents = fake.eventsEndpoint
            try agents.start("consumer", consumer, targets: targets)
            let agent = try #require(agents.all.first)
            let deadline = ContinuousClock.now + .seconds(90)
            while !agent.logText.contains("draft refused"), agent.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            let log = agent.logText
            #expect(log.contains("draft refused"), "the agent never refused the draft (\(fake.listings) listings): \(log)")
            #expect(log.contains("price 15.0 is not the order's 14.0"), "\(log)")
            #expect(log.contains(forged.contractId))
            // A few more sweeps: it judged the draft once, and never signed it.
            let listings = fake.listings
            while fake.listings < listings + 3, agent.isRunning, ContinuousClock.now < deadline + .seconds(30) {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(fake.signatures.isEmpty, "\(fake.signatures.map(\.contractId))")
            #expect(log.components(separatedBy: "draft refused").count - 1 == 1, "refused once per draft state: \(agent.logText)")
            // The real desk got nothing from the consumer either.
            let still = try await rig.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: real.contractId))
            #expect(still.awaiting.contains(consumer.member) && !still.contract.signatures.contains { $0.member == consumer.memberID })
        }
    }

    @Test("the desk refuses a signature over another document with 16, and a revoked party's with 7; the draft keeps waiting for both")
    func deskRefusesSignatures() async throws {
        let rig = try await TradeDeskRig()
        try await stopping(rig.stop) {
            let registry = rig.market.registry
            _ = try await registry.admit(RegisterRequest(role: .gridCompany, legalName: "Grid", licence: "GC-1", contact: "ops"))
            let consumer = rig.market.consumer
            let plant = rig.market.units["GU1"]!
            let first = try await rig.confirmedOrder("GU1", mwh: 100)
            let second = try await rig.confirmedOrder("GU1", mwh: 120)
            try await rig.trades([first.id, second.id], reach: .drafted)
            let draft = try await rig.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: "ct-\(first.id)"))
            let other = try await rig.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: "ct-\(second.id)"))
            func signature(of record: ContractDraftRecord, by signer: MemberSigner) throws -> ContractSignature {
                try #require(try ContractSigning.sign(record.contract, by: signer).signatures.first { $0.member == signer.memberID })
            }

            // The consumer's own signature, by its own certificate, but over the second draft's document.
            let misplaced = await refusal {
                try await rig.reviewClient.call(
                    ReviewAPI.signDraft, SignDraftRequest(contractId: draft.contractId, signature: try signature(of: other, by: consumer)), signer: consumer
                )
            }
            #expect(misplaced?.code == 16 && misplaced?.message.contains("does not verify over the document") == true, "\(String(describing: misplaced))")

            // GU1 is revoked. Review learns it from the registry's feed: until then a signature
            // for a draft that does not exist gets 5, after it 7, before the draft is looked at.
            _ = try await registry.client.call(RegistryAPI.revoke, MemberDecision(memberId: plant.member, reason: "licence withdrawn"), signer: registry.tradingCenter)
            let own = try signature(of: draft, by: plant)
            var probe = await refusal { try await rig.reviewClient.call(ReviewAPI.signDraft, SignDraftRequest(contractId: "ct-none", signature: own), signer: plant) }
            let deadline = ContinuousClock.now + .seconds(60)
            while probe?.code == 5, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                probe = await refusal { try await rig.reviewClient.call(ReviewAPI.signDraft, SignDraftRequest(contractId: "ct-none", signature: own), signer: plant) }
            }
            #expect(probe?.code == 7, "review never learnt of the revocation: \(String(describing: probe))")
            let revoked = await refusal { try await rig.reviewClient.call(ReviewAPI.signDraft, SignDraftRequest(contractId: draft.contractId, signature: own), signer: plant) }
            #expect(revoked?.code == 7, "\(String(describing: revoked))")

            let after = try await rig.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: draft.contractId))
            #expect(after.status == .signing && after.awaiting.contains(consumer.member) && after.awaiting.contains(plant.member))
            #expect(!after.contract.signatures.contains { $0.member == consumer.memberID || $0.member == plant.memberID })
        }
    }

    @Test("an order the dispatch center curtails to zero is never drafted: its trade fails at checked and says why")
    func curtailedToZeroNeverDrafted() async throws {
        let rig = try await TradeDeskRig()
        try await stopping(rig.stop) {
            _ = try await rig.market.registry.admit(RegisterRequest(role: .gridCompany, legalName: "Grid", licence: "GC-1", contact: "ops"))
            let hours = rig.hours
            // 90 MW from bus 1 to bus 4 fills what case30 carries to the mill under N-1 (about 86.9
            // MW of it is accepted); 60 MW more from bus 2 then finds no room at all
            // (`gridtrade security-check --n-1` on the same two trades says the same).
            let first = try await rig.confirmedOrder("GU1", mwh: 90 * hours)
            let curtailed = try await rig.result(first.id).result
            #expect(curtailed.status == .curtailed && curtailed.acceptedMwh > 0, "\(curtailed.status)")
            let second = try await rig.confirmedOrder("GU2", mwh: 60 * hours)
            let refused = try await rig.result(second.id).result
            #expect(refused.status == .rejected && refused.acceptedMwh == 0, "\(refused.status) \(refused.acceptedMwh)")

            var trade: TradeProgress?
            let deadline = ContinuousClock.now + .seconds(60)
            while trade?.failure == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                trade = try? await rig.reviewClient.call(ReviewAPI.getTrade, TradeQuery(orderId: second.id))
            }
            #expect(trade?.stage == .checked && trade?.failure?.contains("refused on the network") == true, "\(String(describing: trade))")
            #expect(trade?.contractId == nil)
            #expect(await code { _ = try await rig.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: "ct-\(second.id)")) } == 5)
            // The curtailed one is drafted, for what the network carries.
            let drafted = try await rig.trades([first.id], reach: .drafted)
            #expect(drafted[first.id]?.contractId == "ct-\(first.id)")
            let failed = try await rig.reviewClient.call(ReviewAPI.listTrades, TradeListQuery(failed: true))
            #expect(failed.trades.map(\.orderId) == [second.id])
        }
    }
}
