import Auth
import Bus
import Contracts
import Credentials
import Foundation
import LedgerKit
import Messages
import Testing

extension ContractRig {
    /// Waits until the desk has the order at `stage` (or beyond), failing the test if it fails.
    func stage(_ orderId: OrderID, reaches stage: TradeStage, within limit: Duration = .seconds(90)) async throws -> TradeProgress {
        let deadline = ContinuousClock.now + limit
        while true {
            if let trade = try? await desk.reviewClient.call(ReviewAPI.getTrade, TradeQuery(orderId: orderId)) {
                if let failure = trade.failure {
                    Issue.record("\(orderId) failed at \(trade.stage.rawValue): \(failure)")
                    return trade
                }
                if trade.stage >= stage { return trade }
            }
            guard ContinuousClock.now < deadline else {
                Issue.record("\(orderId) did not reach \(stage.rawValue) in \(limit)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The party's signature over the draft, returned to the desk as its own signed request.
    func sign(_ record: ContractDraftRecord, as party: MemberSigner) async throws -> ContractDraftRecord {
        let signed = try ContractSigning.sign(record.contract, by: party)
        let signature = try #require(signed.signatures.first { $0.member == party.memberID })
        return try await desk.reviewClient.call(ReviewAPI.signDraft, SignDraftRequest(contractId: record.contractId, signature: signature), signer: party)
    }
}

@Suite("The trade pipeline, as real processes: from a confirmed order to a committed contract with nobody pushing it", .serialized)
struct PipelineProcessTests {
    @Test("a confirmed bilateral order is reviewed, checked, drafted by the desk, signed by every party through the desk, and committed once")
    func bilateral() async throws {
        let rig = try await ContractRig()
        try await stopping(rig.stop) {
            let seller = rig.desk.market.units["GU1"]!
            let order = try await rig.desk.confirmedOrder("GU1", mwh: 100)
            let drafted = try await rig.stage(order.id, reaches: .drafted)
            let contractId = try #require(drafted.contractId)
            #expect(contractId == "ct-\(order.id)")
            var record = try await rig.desk.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: contractId))
            // The trading center signed as it drafted; the dispatch center signs on its own.
            #expect(record.contract.signatures.contains { $0.member == rig.registry.tradingCenter.memberID })
            let waiting = try await rig.desk.reviewClient.call(ReviewAPI.listDrafts, DraftListQuery(member: rig.consumer.member, awaiting: true))
            #expect(waiting.drafts.map(\.contractId) == [contractId])

            // Someone who is not a party: 7. A party returning another's signature: 7.
            let stranger = rig.desk.market.units["GU2"]!
            #expect(await code { _ = try await rig.sign(record, as: stranger) } == 7)
            let consumerSigned = try ContractSigning.sign(record.contract, by: rig.consumer)
            let consumerSignature = try #require(consumerSigned.signatures.first { $0.member == rig.consumer.memberID })
            #expect(await code {
                _ = try await rig.desk.reviewClient.call(ReviewAPI.signDraft, SignDraftRequest(contractId: contractId, signature: consumerSignature), signer: seller)
            } == 7)

            record = try await rig.sign(record, as: rig.consumer)
            // Returned twice: accepted once, nothing changes.
            let again = try await rig.sign(record, as: rig.consumer)
            #expect(again.seq == record.seq && again.contract.signatures.filter { $0.member == rig.consumer.memberID }.count == 1)
            record = try await rig.sign(record, as: seller)
            record = try await rig.sign(record, as: rig.gridCompany)

            let committed = try await rig.stage(order.id, reaches: .committed)
            let height = try #require(committed.height)
            for client in rig.ledger.clients {
                let recorded = try await client.call(LedgerAPI.getContract, ContractQuery(contractId: contractId))
                #expect(recorded.height == height && recorded.contract.signatures.count == 5)
            }
            let final = try await rig.desk.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: contractId))
            #expect(final.status == .committed && final.height == height && final.awaiting.isEmpty)
            let committedTrades = try await rig.desk.reviewClient.call(ReviewAPI.listTrades, TradeListQuery(stage: .committed))
            #expect(committedTrades.trades.map(\.orderId).contains(order.id))

            // `gridtrade order show` gives the order with its stage, contract and block; `order trades` the query by stage.
            let gridtrade = binDirectory.appendingPathComponent("gridtrade")
            let endpoints = ["--matching", rig.desk.market.matching.rpcEndpoint, "--review", rig.desk.review.rpcEndpoint]
            let shown = try await run(gridtrade, ["order", "show", order.id.rawValue] + endpoints)
            #expect(shown.status == 0, "\(shown.error)")
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any])
            #expect(fields["stage"] as? String == "committed" && fields["contract_id"] as? String == contractId && fields["height"] as? Int == Int(height))
            #expect(try JSONDecoder().decode(TradeOrder.self, from: Data(shown.output.utf8)).id == order.id)
            let listed = try await run(gridtrade, ["order", "trades", "--stage", "committed", "--review", rig.desk.review.rpcEndpoint])
            #expect(try JSONDecoder().decode(TradeList.self, from: Data(listed.output.utf8)).trades.map(\.orderId).contains(order.id))
        }
    }

    @Test("the paper's round ends as one coalition contract, with the allocation, signed by all seven parties and committed")
    func coalition() async throws {
        let rig = try await ContractRig()
        try await stopping(rig.stop) {
            let market = rig.desk.market
            let round = try await market.client.call(
                MatchingAPI.openRound, OpenRoundRequest(month: rig.desk.month, durationMs: 8_000, demandMwh: 160, maxPrice: 20), signer: market.consumer
            )
            for name in ["GU1", "GU2", "GU3"] { _ = try await market.offer(name, round: round.id) }
            var cleared = try await market.client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
            let deadline = ContinuousClock.now + .seconds(90)
            while cleared.status == .open, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                cleared = try await market.client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
            }
            let outcome = try #require(cleared.outcome)
            #expect(outcome.orderIds.count == 3)
            for id in outcome.orderIds { #expect(try await rig.stage(id, reaches: .drafted).contractId == "ct-\(round.id)") }
            var record = try await rig.desk.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: "ct-\(round.id)"))
            #expect(record.orderIds == outcome.orderIds && record.roundId == round.id)
            let document = try ContractSigning.document(of: record.contract)
            #expect(document.parties.count == 7 && document.parties.filter { $0.role == .generator }.count == 3)

            // The consumer's copy: every seller's output and Shapley share, at the clearing price.
            let terms = try ContractDraft.read(record.contract, as: rig.consumer.memberID, key: rig.consumer.privateKey)
            #expect(terms.price == 14.16 && terms.roundId == round.id.rawValue)
            let allocation = try #require(terms.allocation)
            #expect(allocation.count == 3)
            for part in allocation {
                #expect(abs(part.shapley - (outcome.shapley[MemberID(part.member)] ?? -1)) < 1e-9)
                #expect(abs(part.outputMwh - (outcome.outputs[MemberID(part.member)] ?? -1)) < 1e-6)
            }
            #expect(abs(allocation.reduce(0) { $0 + $1.shapley } - outcome.coalitionValue) < 1e-6)

            for signer in [rig.consumer, market.units["GU1"]!, market.units["GU2"]!, market.units["GU3"]!, rig.gridCompany] {
                record = try await rig.sign(record, as: signer)
            }
            for id in outcome.orderIds { _ = try await rig.stage(id, reaches: .committed) }
            let recorded = try await rig.ledger.clients[3].call(LedgerAPI.getContract, ContractQuery(contractId: "ct-\(round.id)"))
            #expect(recorded.contract.signatures.count == 7)
        }
    }

    @Test("an order rejected in review is never drafted, and says why")
    func rejectedNeverDrafted() async throws {
        let rig = try await ContractRig()
        try await stopping(rig.stop) {
            // 1 000 $/MWh is the cap; a price above it is refused.
            let order = try await rig.desk.confirmedOrder("GU1", mwh: 100, price: 1_500)
            var trade: TradeProgress?
            let deadline = ContinuousClock.now + .seconds(60)
            while trade?.failure == nil, ContinuousClock.now < deadline {
                trade = try? await rig.desk.reviewClient.call(ReviewAPI.getTrade, TradeQuery(orderId: order.id))
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(trade?.stage == .reviewed && trade?.failure?.contains("cap") == true, "\(String(describing: trade))")
            let shown = try await run(
                binDirectory.appendingPathComponent("gridtrade"),
                ["order", "show", order.id.rawValue, "--matching", rig.desk.market.matching.rpcEndpoint, "--review", rig.desk.review.rpcEndpoint]
            )
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any])
            #expect(fields["stage"] as? String == "reviewed" && (fields["failure"] as? String)?.contains("cap") == true, "\(shown.output)")
            #expect(await code { _ = try await rig.desk.reviewClient.call(ReviewAPI.getDraft, DraftQuery(contractId: "ct-\(order.id)")) } == 5)
        }
    }
}
