import Auth
import Bus
import Credentials
import Crypto
import Foundation
import Glibc
import Messages
import Testing

/// Registry, matching, review and dispatch as real processes: a confirmed order is reviewed by
/// the trading center and security-checked by the dispatch center, each signing its word.
struct TradeDeskRig {
    let market: MarketRig
    let review: ServiceProcess
    let dispatch: ServiceProcess
    let reviewClient: RPCClient
    let dispatchClient: RPCClient
    let dispatchCenter: MemberSigner
    let casePath = repositoryRoot.appendingPathComponent("deploy/cases/case30.m").path
    /// Next month (UTC): a delivery month still open for review whenever the test runs. (`next`
    /// is nil only after 9999-12.)
    let month: DeliveryMonth = DeliveryMonth(containing: Date()).next ?? "9999-12"
    var hours: Double { month.hours }

    /// - Parameter ledgerPorts: the first data center's RPC and events ports, where the contract desk
    ///   submits and learns of commits (nobody need listen there unless the test follows contracts to the ledger).
    init(priceCap: Double = 1_000, ledgerPorts: (Int, Int)? = nil) async throws {
        market = try await MarketRig(month: month)
        let dispatchPorts = (try freePort(), try freePort())
        let keys = try temporaryDirectory("desk-keys")
        let tradingCenterKey = keys.appendingPathComponent("trading-center.pem")
        try MemberKey.write(privateKey: market.registry.tradingCenter.privateKey, to: tradingCenterKey.path)
        let dispatchKey = MemberKey.generate()
        dispatchCenter = try await market.registry.admit(
            RegisterRequest(role: .dispatchCenter, legalName: "Dispatch", licence: "DC-1", contact: "control room"), key: dispatchKey
        )
        let dispatchKeyFile = keys.appendingPathComponent("dispatch.pem")
        try MemberKey.write(privateKey: dispatchKey, to: dispatchKeyFile.path)
        let registry = [
            "GRIDTRADE_REGISTRY_ENDPOINT": market.registry.process.rpcEndpoint,
            "GRIDTRADE_REGISTRY_EVENTS": market.registry.process.eventsEndpoint,
        ]
        review = try ServiceProcess("review", environment: registry.merging([
            "GRIDTRADE_MATCHING_ENDPOINT": market.matching.rpcEndpoint,
            "GRIDTRADE_MATCHING_EVENTS": market.matching.eventsEndpoint,
            "GRIDTRADE_SIGNING_KEY": tradingCenterKey.path,
            "GRIDTRADE_REVIEW_PRICE_CAP": "\(priceCap)",
            "GRIDTRADE_REVIEW_SWEEP_MS": "300",
            "GRIDTRADE_DISPATCH_ENDPOINT": "tcp://127.0.0.1:\(dispatchPorts.0)",
            "GRIDTRADE_DISPATCH_EVENTS": "tcp://127.0.0.1:\(dispatchPorts.1)",
            "GRIDTRADE_LEDGER_ENDPOINT": "tcp://127.0.0.1:\(try ledgerPorts?.0 ?? freePort())",
            "GRIDTRADE_LEDGER_EVENTS": "tcp://127.0.0.1:\(try ledgerPorts?.1 ?? freePort())",
        ]) { $1 })
        try await review.waitHealthy()
        dispatch = try ServiceProcess("dispatch", rpcPort: dispatchPorts.0, eventsPort: dispatchPorts.1, environment: registry.merging([
            "GRIDTRADE_REVIEW_ENDPOINT": review.rpcEndpoint,
            "GRIDTRADE_REVIEW_EVENTS": review.eventsEndpoint,
            "GRIDTRADE_SIGNING_KEY": dispatchKeyFile.path,
            "GRIDTRADE_DISPATCH_CASE": casePath,
            "GRIDTRADE_DISPATCH_SECURITY": "n-1",
            "GRIDTRADE_DISPATCH_POLL_MS": "300",
        ]) { $1 })
        try await dispatch.waitHealthy()
        reviewClient = try RPCClient(endpoint: review.rpcEndpoint)
        dispatchClient = try RPCClient(endpoint: dispatch.rpcEndpoint)
    }

    /// A bilateral order created by the consumer and confirmed by the generator.
    func confirmedOrder(_ unit: String, mwh: Double, price: Decimal = 14) async throws -> TradeOrder {
        let seller = market.units[unit]!
        let request = CreateOrderRequest(seller: seller.member, buyer: market.consumer.member, price: price, monthlySplit: [.init(month: month, mwh: mwh)])
        let order = try await market.client.call(MatchingAPI.createOrder, request, signer: market.consumer)
        return try await market.client.call(MatchingAPI.confirmOrder, OrderDecision(orderId: order.id), signer: seller)
    }

    func decision(_ orderID: OrderID) async throws -> SignedReviewDecision {
        try await eventually { try await reviewClient.call(ReviewAPI.getDecision, DecisionQuery(orderId: orderID)) }
    }

    func result(_ orderID: OrderID) async throws -> SignedSecurityCheck {
        try await eventually { try await dispatchClient.call(DispatchAPI.getResult, CheckQuery(orderId: orderID)) }
    }

    /// What `gridtrade security-check --n-1` says about these trades on the same case, in order.
    func cliOutcomes(_ trades: [(id: OrderID, seller: Int, buyer: Int, mw: Double)]) async throws -> [OrderID: Double] {
        let input = try temporaryDirectory("trades").appendingPathComponent("trades.json")
        let list = trades.map { ["id": $0.id.rawValue, "seller_bus": $0.seller, "buyer_bus": $0.buyer, "mw": $0.mw] as [String: Any] }
        try JSONSerialization.data(withJSONObject: ["trades": list]).write(to: input)
        let cli = try await run(binDirectory.appendingPathComponent("gridtrade"), ["security-check", "--case", casePath, "--trades", input.path, "--n-1"])
        #expect(cli.status == 0, "\(cli.error)")
        let report = try JSONSerialization.jsonObject(with: Data(cli.output.utf8)) as! [String: Any]
        var accepted: [OrderID: Double] = [:]
        for trade in report["trades"] as! [[String: Any]] { accepted[OrderID(trade["id"] as! String)] = (trade["accepted_mw"] as! NSNumber).doubleValue }
        return accepted
    }

    func stop() async {
        await dispatch.stop()
        await review.stop()
        await market.stop()
    }
}

/// Retries a query until it succeeds: up to 60 s, for a loaded CI machine (a pass takes well under a second).
func eventually<T>(timeout: Duration = .seconds(60), _ query: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        do {
            return try await query()
        } catch let error as RPCError where error.code == .notFound && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

@Suite("Review and dispatch, as real processes beside registry and matching", .serialized)
struct ReviewDispatchProcessTests {
    @Test("a confirmed order is approved by the trading center and checked by the dispatch center, both signed; a price above the cap is refused and never reaches the network")
    func reviewAndCheck() async throws {
        let rig = try await TradeDeskRig(priceCap: 20)
        try await stopping(rig.stop) {
            let authority = rig.market.registry.authority

            let order = try await rig.confirmedOrder("GU1", mwh: 10 * rig.hours)
            let review = try await rig.decision(order.id)
            let decision = try StatementSignature.verify(
                review.statement, as: ReviewDecision.self, kind: .reviewDecision, role: .tradingCenter, authority: authority
            )
            #expect(decision.status == .approved, "\(decision.reasons)")
            #expect(decision == review.decision && decision.order.id == order.id)
            #expect(decision.order.signatures?.count == 2)

            let expensive = try await rig.confirmedOrder("GU2", mwh: 100, price: 30)
            let refused = try await rig.decision(expensive.id)
            #expect(refused.decision.status == .rejected)
            #expect(refused.decision.reasons.contains { $0.contains("cap 20") }, "\(refused.decision.reasons)")

            let checked = try await rig.result(order.id)
            let result = try StatementSignature.verify(
                checked.statement, as: SecurityCheckResult.self, kind: .securityCheck, role: .dispatchCenter, authority: authority
            )
            #expect(result == checked.result && result.checker == rig.dispatchCenter.member)
            #expect(result.sellerBus == 1 && result.buyerBus == 4 && result.nMinus1)
            // 10 MW over the month, which case30 carries.
            #expect(result.status == .accepted && abs(result.months[0].requestedMw - 10) < 1e-9 && abs(result.acceptedMwh - 10 * rig.hours) < 1e-6)

            // The refused order was passed over: a later approved one is checked, the refused one never is.
            let later = try await rig.confirmedOrder("GU3", mwh: rig.hours)
            _ = try await rig.result(later.id)
            #expect(await code { try await rig.dispatchClient.call(DispatchAPI.getResult, CheckQuery(orderId: expensive.id)) } == 5)
        }
    }

    @Test("a round's orders carry the signed opening and every offer; review re-runs the game and approves exactly them")
    func roundReviewed() async throws {
        let rig = try await TradeDeskRig()
        try await stopping(rig.stop) {
            let market = rig.market
            // The consumer signs the demand it published (MarketRig: 160 MWh up to 20 $/MWh).
            let round = try await market.client.call(
                MatchingAPI.openRound, OpenRoundRequest(month: rig.month, durationMs: 8_000, demandMwh: 160, maxPrice: 20), signer: market.consumer
            )
            #expect(round.id == ConsentIDs.round(openedBy: market.consumer.member, nonce: try #require(round.openedBy).nonce))
            for name in ["GU1", "GU2", "GU3"] { _ = try await market.offer(name, round: round.id) }
            // The round closes at its deadline (8 s); on a loaded machine the game may take a while longer.
            var cleared = try await market.client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
            let deadline = ContinuousClock.now + .seconds(90)
            while cleared.status == .open, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                cleared = try await market.client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
            }
            #expect(cleared.status == .cleared, "\(cleared.reason ?? "still open")")
            let orderIds = try #require(cleared.outcome).orderIds
            #expect(orderIds.count == 3)
            for id in orderIds {
                let review = try await rig.decision(id)
                #expect(review.decision.status == .approved, "\(id): \(review.decision.reasons)")
                // The opening and the three offers the game ran on.
                #expect(review.decision.order.signatures?.count == 4)
            }
        }
    }

    @Test("orders stack on the network in review order, as the CLI stacks the same trades; after kill -9 dispatch rebuilds the stack")
    func stackingAndRestart() async throws {
        let rig = try await TradeDeskRig()
        try await stopping(rig.stop) {
            let hours = rig.hours
            // Large transfers from buses 1, 2 and 3 to bus 4 (the paper's units and mill on case30).
            let first = try await rig.confirmedOrder("GU1", mwh: 60 * hours)
            let second = try await rig.confirmedOrder("GU2", mwh: 60 * hours)
            let a = try await rig.result(first.id).result
            let b = try await rig.result(second.id).result

            _ = await rig.dispatch.stop(signal: SIGKILL)
            try rig.dispatch.start()
            try await rig.dispatch.waitHealthy()
            let third = try await rig.confirmedOrder("GU3", mwh: 60 * hours)
            let c = try await rig.result(third.id).result

            let expected = try await rig.cliOutcomes([(first.id, 1, 4, 60), (second.id, 2, 4, 60), (third.id, 3, 4, 60)])
            for result in [a, b, c] {
                let cli = try #require(expected[result.order])
                #expect(abs(result.months[0].acceptedMw - cli) < 1e-6, "\(result.orderId): dispatch \(result.months[0].acceptedMw) MW, CLI \(cli) MW")
            }
            // The stack must bind somewhere, or the comparison says little.
            #expect([a, b, c].contains { $0.status != .accepted }, "\([a, b, c].map(\.status))")
            #expect(c.reviewSeq > b.reviewSeq && b.reviewSeq > a.reviewSeq)
        }
    }
}
