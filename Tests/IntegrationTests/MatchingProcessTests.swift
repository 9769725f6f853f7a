import Auth
import Bus
import Credentials
import Foundation
import Glibc
import Messages
import Testing
import TestSupport

/// A registry and a matching process, with the paper's three generators and one consumer admitted.
struct MarketRig {
    let registry: RegistryRig
    let matching: ServiceProcess
    let client: RPCClient
    let units: [String: MemberSigner]
    let consumer: MemberSigner

    /// SPEC.md Table 2.
    static let paperUnits: [(String, GeneratorDetails)] = [
        ("GU1", GeneratorDetails(bus: 1, pmin: 30, pmax: 100, a: 0.01, b: 8.4, c: 0, k: 1.3)),
        ("GU2", GeneratorDetails(bus: 2, pmin: 35, pmax: 90, a: 0.02, b: 8.2, c: 0, k: 1.2)),
        ("GU3", GeneratorDetails(bus: 3, pmin: 20, pmax: 105, a: 0.01, b: 8.8, c: 0, k: 1.1)),
    ]

    init(month: DeliveryMonth = "2026-12") async throws {
        registry = try await RegistryRig()
        matching = try ServiceProcess("matching", environment: [
            "GRIDTRADE_REGISTRY_ENDPOINT": registry.process.rpcEndpoint,
            "GRIDTRADE_REGISTRY_EVENTS": registry.process.eventsEndpoint,
        ])
        try await matching.waitHealthy()
        client = try RPCClient(endpoint: matching.rpcEndpoint)
        var units: [String: MemberSigner] = [:]
        for (name, unit) in Self.paperUnits {
            let signer = try await registry.admit(RegisterRequest(role: .generator, legalName: name, licence: "LIC-\(name)", contact: "ops", generator: unit))
            _ = try await registry.client.call(RegistryAPI.publishPlan, .init(month: month, minMw: unit.pmin, maxMw: unit.pmax, a: unit.a, b: unit.b, c: 0, k: unit.k), signer: signer)
            units[name] = signer
        }
        self.units = units
        consumer = try await registry.admit(RegisterRequest(role: .consumer, legalName: "Mill", licence: "LIC-MILL", contact: "ops", consumer: .init(bus: 4, maxDemandMw: 50)))
        _ = try await registry.client.call(RegistryAPI.publishDemand, .init(month: month, mwh: 160, maxPrice: 20), signer: consumer)
        // Matching trusts the registry's CA once it has reached it.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let probe = await code { try await client.call(MatchingAPI.rejectOrder, OrderDecision(orderId: "none", reason: "probe"), signer: consumer) }
            if probe != 14 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func offer(_ name: String, round: RoundID) async throws -> Round {
        let unit = Self.paperUnits.first { $0.0 == name }!.1
        return try await client.call(MatchingAPI.submitOffer, .init(roundId: round, minMwh: unit.pmin, maxMwh: unit.pmax, a: unit.a, b: unit.b, c: 0, k: unit.k), signer: units[name]!)
    }

    func stop() async {
        await matching.stop()
        await registry.process.stop()
    }
}

@Suite("Matching, as a real process beside a real registry")
struct MatchingProcessTests {
    @Test("a bilateral order: created by one party, confirmed by the other, within the seller's plan")
    func bilateral() async throws {
        let rig = try await MarketRig()
        let gu1 = rig.units["GU1"]!
        let client = rig.client
        let request = CreateOrderRequest(seller: gu1.member, buyer: rig.consumer.member, price: 14, monthlySplit: [.init(month: "2026-12", mwh: 100)])
        let order = try await client.call(MatchingAPI.createOrder, request, signer: rig.consumer)
        #expect(order.status == .open && order.creator == rig.consumer.member && order.mwh == 100)
        // The creator cannot confirm its own order; a stranger cannot either.
        #expect(await code { try await client.call(MatchingAPI.confirmOrder, OrderDecision(orderId: order.id), signer: rig.consumer) } == 7)
        #expect(await code { try await client.call(MatchingAPI.confirmOrder, OrderDecision(orderId: order.id), signer: rig.units["GU2"]!) } == 7)
        let confirmed = try await client.call(MatchingAPI.confirmOrder, OrderDecision(orderId: order.id), signer: gu1)
        #expect(confirmed.status == .confirmed)
        #expect(await code { try await client.call(MatchingAPI.confirmOrder, OrderDecision(orderId: order.id), signer: gu1) } == 9)

        // GU1's plan: 100 MW for 744 hours = 74,400 MWh in December; 100 are sold.
        let tooMuch = CreateOrderRequest(seller: gu1.member, buyer: rig.consumer.member, price: 14, monthlySplit: [.init(month: "2026-12", mwh: 74_350)])
        #expect(await code { try await client.call(MatchingAPI.createOrder, tooMuch, signer: gu1) } == 9)
        let rest = CreateOrderRequest(seller: gu1.member, buyer: rig.consumer.member, price: 14, monthlySplit: [.init(month: "2026-12", mwh: 74_300)])
        let open = try await client.call(MatchingAPI.createOrder, rest, signer: gu1)
        #expect(await code { try await client.call(MatchingAPI.createOrder, CreateOrderRequest(seller: gu1.member, buyer: rig.consumer.member, price: 14, monthlySplit: [.init(month: "2026-12", mwh: 1)]), signer: gu1) } == 9)
        // A rejected order frees its energy.
        _ = try await client.call(MatchingAPI.rejectOrder, OrderDecision(orderId: open.id, reason: "too much"), signer: rig.consumer)
        _ = try await client.call(MatchingAPI.createOrder, CreateOrderRequest(seller: gu1.member, buyer: rig.consumer.member, price: 14, monthlySplit: [.init(month: "2026-12", mwh: 1)]), signer: gu1)

        // Bad input: no plan for the month (9), wrong roles (3), bad split (3), unsigned (16).
        #expect(await code { try await client.call(MatchingAPI.createOrder, CreateOrderRequest(seller: gu1.member, buyer: rig.consumer.member, price: 14, monthlySplit: [.init(month: "2027-05", mwh: 1)]), signer: gu1) } == 9)
        #expect(await code { try await client.call(MatchingAPI.createOrder, CreateOrderRequest(seller: rig.consumer.member, buyer: gu1.member, price: 14, monthlySplit: [.init(month: "2026-12", mwh: 1)]), signer: gu1) } == 3)
        #expect(await code { try await client.call(MatchingAPI.createOrder, CreateOrderRequest(seller: gu1.member, buyer: rig.consumer.member, price: 14, monthlySplit: [.init(month: "2026-13", mwh: 1)]), signer: gu1) } == 3)
        #expect(await code { try await client.call(MatchingAPI.createOrder, request) } == 16)
        let orders = try await client.call(MatchingAPI.listOrders, OrderListQuery(member: gu1.member))
        #expect(orders.orders.map(\.status) == [.confirmed, .rejected, .open])
        await rig.stop()
    }

    @Test("gridtrade order create and confirm, signed with the parties' key and certificate files; order list and show read them back")
    func orderCommands() async throws {
        let rig = try await MarketRig()
        try await stopping(rig.stop) {
            let files = try temporaryDirectory("order-cli")
            func credentials(_ name: String, _ signer: MemberSigner) throws -> [String] {
                let key = files.appendingPathComponent("\(name).pem"), cert = files.appendingPathComponent("\(name)-cert.pem")
                try MemberKey.write(privateKey: signer.privateKey, to: key.path)
                try Data(try CertificatePEM.encode(try #require(signer.certificate)).utf8).write(to: cert)
                return ["--key", key.path, "--cert", cert.path]
            }
            let gridtrade = binDirectory.appendingPathComponent("gridtrade")
            let matching = ["--matching", rig.matching.rpcEndpoint]
            let gu1 = rig.units["GU1"]!
            let created = try await run(gridtrade, [
                "order", "create", "--seller", gu1.memberID, "--buyer", rig.consumer.memberID, "--price", "14", "--month", "2026-12=100",
            ] + credentials("buyer", rig.consumer) + matching)
            #expect(created.status == 0, "\(created.error)")
            let order = try JSONDecoder().decode(TradeOrder.self, from: Data(created.output.utf8))
            #expect(order.status == .open && order.mwh == 100 && order.creator == rig.consumer.member)
            // The creator may not confirm: the refusal's code and reason, exit 1.
            let own = try await run(gridtrade, ["order", "confirm", order.id.rawValue] + credentials("buyer", rig.consumer) + matching)
            #expect(own.status == 1 && own.error.contains("PERMISSION_DENIED (7)"))
            let confirmed = try await run(gridtrade, ["order", "confirm", order.id.rawValue] + credentials("plant", gu1) + matching)
            #expect(confirmed.status == 0, "\(confirmed.error)")
            let listed = try await run(gridtrade, ["order", "list", "--member", gu1.memberID, "--status", "confirmed"] + matching)
            let orders = try JSONDecoder().decode(OrderList.self, from: Data(listed.output.utf8)).orders
            #expect(orders.map(\.id) == [order.id])
            let shown = try await run(gridtrade, ["order", "show", order.id.rawValue] + matching)
            #expect(try JSONDecoder().decode(TradeOrder.self, from: Data(shown.output.utf8)).status == .confirmed)
        }
    }

    @Test("a round on the paper's data clears at 14.16 with the paper's outputs and Shapley split")
    func paperRound() async throws {
        let rig = try await MarketRig()
        let subscriber = try EventSubscriber(endpoint: rig.matching.eventsEndpoint, rpc: rig.client)
        let cleared = subscriber.subscribe(MatchingAPI.roundCleared)
        // Long enough for three signed offers on a loaded CI machine; the round closes by its deadline only.
        let round = try await rig.client.call(MatchingAPI.openRound, OpenRoundRequest(month: "2026-12", durationMs: 8_000, demandMwh: 160, maxPrice: 20), signer: rig.consumer)
        #expect(round.demandMwh == 160 && round.status == .open)
        // One open round per consumer and month.
        #expect(await code { try await rig.client.call(MatchingAPI.openRound, OpenRoundRequest(month: "2026-12", durationMs: 1_500, demandMwh: 160, maxPrice: 20), signer: rig.consumer) } == 9)
        for name in ["GU1", "GU2", "GU3"] { _ = try await rig.offer(name, round: round.id) }
        // Consumers do not offer.
        #expect(await code { try await rig.client.call(MatchingAPI.submitOffer, .init(roundId: round.id, minMwh: 1, maxMwh: 2, a: 0.01, b: 8, c: 0, k: 1.2), signer: rig.consumer) } == 7)

        let event = try await firstEvent(cleared, timeout: .seconds(60))
        let outcome = try #require(event.body.outcome)
        #expect(event.body.id == round.id && event.body.status == .cleared)
        #expect(outcome.clearingPrice == Decimal(string: "14.16"))
        #expect(abs(outcome.coalitionValue - 699.40) < 0.01)
        let id = { (name: String) in rig.units[name]!.member }
        for (name, mw) in [("GU1", 67.0), ("GU2", 36.0), ("GU3", 57.0)] { #expect(abs((outcome.outputs[id(name)] ?? 0) - mw) < 0.01, "\(name)") }
        for (name, share) in [("GU1", 253.91), ("GU2", 211.49), ("GU3", 234.0)] { #expect(abs((outcome.shapley[id(name)] ?? 0) - share) < 0.015, "\(name)") }
        let orders = try await rig.client.call(MatchingAPI.listOrders, OrderListQuery(member: rig.consumer.member)).orders
        #expect(orders.count == 3 && orders.allSatisfy { $0.status == .confirmed && $0.roundId == round.id && $0.price == outcome.clearingPrice })
        #expect(await code { try await rig.offer("GU1", round: round.id) } == 9)
        let listed = try await rig.client.call(MatchingAPI.listRounds, RoundListQuery(consumer: rig.consumer.member, month: "2026-12"))
        #expect(listed.rounds.map(\.id) == [round.id] && listed.rounds.first?.status == .cleared)
        #expect(try await rig.client.call(MatchingAPI.listRounds, RoundListQuery(status: .open)).rounds.isEmpty)
        // The round's orders are announced as confirmed, like bilateral ones.
        let confirmed = try await take(3, from: subscriber.subscribe(MatchingAPI.orderConfirmed))
        #expect(Set(confirmed.map(\.body.id)) == Set(outcome.orderIds))
        await rig.stop()
    }

    @Test("kill -9 mid-round loses no acknowledged offer; the restarted service clears the round")
    func restartMidRound() async throws {
        let rig = try await MarketRig()
        // Long enough to kill, restart and offer again on a loaded CI machine before the deadline.
        let round = try await rig.client.call(MatchingAPI.openRound, OpenRoundRequest(month: "2026-12", durationMs: 15_000, demandMwh: 160, maxPrice: 20), signer: rig.consumer)
        _ = try await rig.offer("GU1", round: round.id)
        _ = try await rig.offer("GU2", round: round.id)
        await rig.matching.stop(signal: SIGKILL)
        try rig.matching.start()
        try await rig.matching.waitHealthy()
        let client = try RPCClient(endpoint: rig.matching.rpcEndpoint)
        let sealed = try await client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
        #expect(sealed.offerCount == 2 && sealed.offers.isEmpty, "offers are sealed while the round is open")
        var third: Round?
        let deadline = ContinuousClock.now + .seconds(10)
        while third == nil, ContinuousClock.now < deadline {
            let unit = MarketRig.paperUnits[2].1
            third = try? await client.call(MatchingAPI.submitOffer, .init(roundId: round.id, minMwh: unit.pmin, maxMwh: unit.pmax, a: unit.a, b: unit.b, c: 0, k: unit.k), signer: rig.units["GU3"]!)
            if third == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(third?.offerCount == 3)
        #expect(third?.offers.map(\.generator) == [rig.units["GU3"]!.member], "a generator sees only its own offer")
        var closed = try await client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
        while closed.status == .open, ContinuousClock.now < deadline + .seconds(40) {
            try await Task.sleep(for: .milliseconds(200))
            closed = try await client.call(MatchingAPI.getRound, RoundQuery(roundId: round.id))
        }
        #expect(closed.status == .cleared)
        #expect(closed.offers.count == 3, "offers are shown once the round has closed")
        #expect(closed.outcome?.orderIds.count == 3)
        await rig.stop()
    }
}
