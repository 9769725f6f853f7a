import Foundation
import Testing
@testable import PowerFlow

@Suite struct SecurityCheckTests {
    private func trade(_ id: String, _ seller: Int, _ buyer: Int, _ mw: Double) -> TradeInjection {
        TradeInjection(id: id, sellerBus: seller, buyerBus: buyer, mw: mw)
    }

    /// Triangle with 1→2 limited to 60 MW (base 160/3, 2/3 of a 1→2 transfer on it):
    /// 30 MW from 1 to 2 fits only up to (60 − 160/3)/(2/3) = 10 MW.
    @Test func curtailsToTheLargestFeasibleMW() throws {
        var check = SecurityCheck(network: try DCNetwork(case: Fixtures.triangle(rate12: 60)), nMinus1: false)
        let first = try check.check(trade("a", 1, 2, 30))
        #expect(first.status == .curtailed)
        #expect(abs(first.acceptedMW - 10) < 1e-9)
        #expect(first.binding.count == 1)
        #expect(first.binding.first.map { $0.branch == 0 && abs($0.flowMW - 60) < 1e-9 && $0.limitMW == 60 && $0.contingency == nil } == true)
        #expect(abs(check.flowsMW[0] - 60) < 1e-9 && abs(check.flowsMW[1] - (140.0 / 3 + 10.0 / 3)) < 1e-9)

        // The line is full: more in the same direction is rejected, also from bus 3 (1/3 of it on 1→2).
        let second = try check.check(trade("b", 1, 2, 5))
        #expect(second.status == .rejected && second.acceptedMW == 0 && second.binding.map(\.branch) == [0])
        #expect(try check.check(trade("c", 3, 2, 5)).status == .rejected)
        // The other way relieves it; then 1→2 fits again up to what was freed.
        let counter = try check.check(trade("d", 2, 1, 6))
        #expect(counter.status == .accepted && counter.acceptedMW == 6 && counter.binding.isEmpty)
        let refill = try check.check(trade("e", 1, 2, 100))
        #expect(refill.status == .curtailed && abs(refill.acceptedMW - 6) < 1e-9)
    }

    /// 1→2 limited to 50 MW but carrying 160/3 in the base case: it may take trades only if its
    /// |flow| does not grow.
    @Test func branchAlreadyOverItsLimitMayNotGrow() throws {
        var check = SecurityCheck(network: try DCNetwork(case: Fixtures.triangle(rate12: 50)), nMinus1: false)
        let grows = try check.check(trade("a", 1, 2, 10))
        #expect(grows.status == .rejected)
        #expect(grows.binding.first.map { $0.branch == 0 && abs($0.flowMW - 160.0 / 3) < 1e-9 && $0.limitMW == 50 } == true)
        #expect(try check.check(trade("b", 1, 3, 10)).status == .rejected)   // 1/3 of it on 1→2
        #expect(try check.check(trade("c", 3, 1, 6)).status == .accepted)    // −1/3: 2 MW off
        #expect(abs(check.flowsMW[0] - (160.0 / 3 - 2)) < 1e-9)
        // Still over 50: the new, lower |flow| is the cap now.
        #expect(try check.check(trade("d", 1, 2, 1)).status == .rejected)
        // Reversing it is allowed until |flow| reaches its current size on the other side.
        let reversed = try check.check(trade("e", 2, 1, 500))
        let current = 160.0 / 3 - 2
        #expect(reversed.status == .curtailed && abs(reversed.acceptedMW - 2 * current / (2.0 / 3)) < 1e-9)
        #expect(abs(check.flowsMW[0] + current) < 1e-9)
    }

    @Test func zeroMWAndSameBusAreAccepted() throws {
        var check = SecurityCheck(network: try DCNetwork(case: Fixtures.triangle(rate12: 50)), nMinus1: false)
        let before = check.flowsMW
        #expect(try check.check(trade("a", 1, 2, 0)) == TradeOutcome(id: "a", status: .accepted, acceptedMW: 0, binding: []))
        #expect(try check.check(trade("b", 2, 2, 40)) == TradeOutcome(id: "b", status: .accepted, acceptedMW: 40, binding: []))
        #expect(check.flowsMW == before)
    }

    /// Each bad trade throws and leaves the running flows exactly as they were.
    @Test(arguments: [
        (TradeInjection(id: "x", sellerBus: 9, buyerBus: 2, mw: 5), SecurityCheckError.unknownBus(trade: "x", field: "seller_bus", bus: 9)),
        (TradeInjection(id: "x", sellerBus: 1, buyerBus: 9, mw: 5), SecurityCheckError.unknownBus(trade: "x", field: "buyer_bus", bus: 9)),
        (TradeInjection(id: "x", sellerBus: 1, buyerBus: 4, mw: 5), SecurityCheckError.isolatedBus(trade: "x", field: "buyer_bus", bus: 4)),
        (TradeInjection(id: "x", sellerBus: 1, buyerBus: 2, mw: -1), SecurityCheckError.invalidMW(trade: "x", mw: -1)),
        (TradeInjection(id: "x", sellerBus: 1, buyerBus: 2, mw: .infinity), SecurityCheckError.invalidMW(trade: "x", mw: .infinity)),
    ])
    func badTradeChangesNothing(bad: TradeInjection, expected: SecurityCheckError) throws {
        var data = Fixtures.triangle(rate12: 60)
        data.buses.append(CaseBus(number: 4, type: .isolated))
        var check = SecurityCheck(network: try DCNetwork(case: data), nMinus1: true)
        _ = try check.check(trade("a", 1, 2, 4))
        let before = check.flowsMW
        #expect(throws: expected) { try check.check(bad) }
        #expect(check.flowsMW == before)
        #expect(try check.check(trade("b", 1, 2, 30)).acceptedMW.isFinite)
    }

    @Test func notANumberMW() throws {
        var check = SecurityCheck(network: try DCNetwork(case: Fixtures.triangle()), nMinus1: false)
        let before = check.flowsMW
        #expect(throws: SecurityCheckError.self) { try check.check(trade("n", 1, 2, .nan)) }
        #expect(check.flowsMW == before)
    }

    /// The same trades in the same order give the same outcomes and the same flows, bit for bit.
    @Test func replayRebuildsTheSameState() throws {
        let data = try MatpowerCase(contentsOf: Fixtures.casePath("case30.m"))
        let network = try DCNetwork(case: data)
        var state: UInt64 = 42
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
        let buses = data.buses.map(\.number)
        let trades = (0..<60).map { i in trade("t\(i)", buses[next(30)], buses[next(30)], Double(1 + next(40))) }
        func run() throws -> ([TradeOutcome], [Double]) {
            var check = SecurityCheck(network: network, nMinus1: true)
            return (try trades.map { try check.check($0) }, check.flowsMW)
        }
        let (first, flows) = try run()
        let (again, flowsAgain) = try run()
        #expect(first == again)
        #expect(flows == flowsAgain)
        #expect(Set(first.map(\.status)).count > 1)  // the trades exercise more than one outcome
        // And a fresh network from the same file gives the same too (what a restarted service sees).
        var restarted = SecurityCheck(network: try DCNetwork(case: try MatpowerCase(contentsOf: Fixtures.casePath("case30.m"))), nMinus1: true)
        #expect(try trades.map { try restarted.check($0) } == first)
    }

    @Test func reportJSONShape() throws {
        let report = try SecurityCheck.report(network: try DCNetwork(case: Fixtures.triangle(rate12: 60)), trades: [trade("a", 1, 2, 30), trade("b", 2, 1, 1)], nMinus1: false)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try #require(try JSONSerialization.jsonObject(with: try encoder.encode(report)) as? [String: Any])
        let base = try #require(json["base"] as? [[String: Any]])
        #expect(Set(base[0].keys) == ["index", "from", "to", "flow_mw", "limit_mw"])
        #expect(base[1]["limit_mw"] is NSNull)
        let trades = try #require(json["trades"] as? [[String: Any]])
        #expect(Set(trades[0].keys) == ["id", "status", "accepted_mw", "binding"])
        #expect(trades[0]["status"] as? String == "curtailed")
        let binding = try #require((trades[0]["binding"] as? [[String: Any]])?.first)
        #expect(Set(binding.keys) == ["branch", "flow_mw", "limit_mw", "contingency"])
        #expect(binding["contingency"] is NSNull)
        #expect((trades[1]["binding"] as? [Any])?.isEmpty == true)
        let decoded = try JSONDecoder().decode(TradeList.self, from: Data(#"{"trades": [{"id": "q", "seller_bus": 3, "buyer_bus": 1, "mw": 2.5}]}"#.utf8))
        #expect(decoded.trades == [trade("q", 3, 1, 2.5)])
    }
}
