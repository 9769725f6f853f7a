import DispatchCore
import Messages
import PowerFlow
import Testing

@Suite("Placing orders on the network, month by month")
struct PlacementTests {
    /// What PowerFlow alone says of these trades stacked in one month, in order.
    func stacked(_ trades: [TradeInjection]) throws -> [TradeOutcome] {
        let data = try MatpowerCase(parsing: try Case30.text())
        return try SecurityCheck.report(network: try DCNetwork(case: data), trades: trades, nMinus1: true).trades
    }

    @Test("orders stack within a delivery month, as PowerFlow stacks the same trades; another month starts from the base case")
    func stackingAcrossMonths() throws {
        let network = try Case30.network()
        var load = NetworkLoad()
        var placed: [Placement] = []
        for (id, bus) in [("a", 1), ("b", 2), ("c", 3)] as [(OrderID, Int)] {
            let placement = DispatchRules.place(Case30.trade(id, mw: [Case30.january: 60]), sellerBus: bus, buyerBus: 4, on: load, network: network)
            placed.append(placement)
            load = placement.load
        }
        let expected = try stacked([("a", 1), ("b", 2), ("c", 3)].map { TradeInjection(id: $0.0, sellerBus: $0.1, buyerBus: 4, mw: 60) })
        for (placement, outcome) in zip(placed, expected) {
            #expect(abs(placement.months[0].acceptedMw - outcome.acceptedMW) < 1e-9, "\(placement.trade.orderId)")
        }
        // The stack must bind, or the comparison says little.
        #expect(placed.contains { $0.status != .accepted }, "\(placed.map(\.status))")
        #expect(load.loadedMonths == [Case30.january])

        // The same third order in February sees none of January's: it gets what it gets alone.
        let february = DispatchRules.place(Case30.trade("c", mw: [Case30.february: 60]), sellerBus: 3, buyerBus: 4, on: load, network: network)
        let alone = try stacked([TradeInjection(id: "c", sellerBus: 3, buyerBus: 4, mw: 60)])[0]
        #expect(abs(february.months[0].acceptedMw - alone.acceptedMW) < 1e-9)
        #expect(february.months[0].acceptedMw > placed[2].months[0].acceptedMw)
        #expect(february.load.loadedMonths == [Case30.january, Case30.february])
        #expect(february.load.flowsMW(in: Case30.january) == load.flowsMW(in: Case30.january))
    }

    @Test("a placement leaves the load it was given unchanged: the service keeps the new one only once stored")
    func valueSemantics() throws {
        let network = try Case30.network()
        let empty = NetworkLoad()
        let placement = DispatchRules.place(Case30.trade("a", mw: [Case30.january: 40]), sellerBus: 1, buyerBus: 4, on: empty, network: network)
        #expect(placement.status == .accepted)
        #expect(empty.loadedMonths.isEmpty && empty.flowsMW(in: Case30.january) == nil)
        #expect(placement.load.flowsMW(in: Case30.january) != nil)
        // Placed again on the untouched load: the same, not stacked.
        let again = DispatchRules.place(Case30.trade("a", mw: [Case30.january: 40]), sellerBus: 1, buyerBus: 4, on: empty, network: network)
        #expect(again.load.flowsMW(in: Case30.january) == placement.load.flowsMW(in: Case30.january))
    }

    @Test("an order too large is curtailed to what the network carries, with the limits that bind; a month with no room left is rejected")
    func curtailment() throws {
        let network = try Case30.network()
        let big = DispatchRules.place(Case30.trade("big", mw: [Case30.january: 500]), sellerBus: 1, buyerBus: 4, on: NetworkLoad(), network: network)
        let month = try #require(big.months.first)
        #expect(big.status == .curtailed && month.status == .curtailed && big.reason == nil)
        #expect(month.acceptedMw > 0 && month.acceptedMw < 500)
        #expect(abs(month.requestedMw - 500) < 1e-9)
        #expect(abs(month.acceptedMwh - month.acceptedMw * 744) < 1e-6 && abs(big.acceptedMwh - month.acceptedMwh) < 1e-9)
        #expect(!month.binding.isEmpty)
        for limit in month.binding { #expect(limit.flowMw <= limit.limitMw + 1e-6) }

        // The same again on top: the binding limit is full, nothing more goes.
        let more = DispatchRules.place(Case30.trade("more", mw: [Case30.january: 500]), sellerBus: 1, buyerBus: 4, on: big.load, network: network)
        #expect(more.status == .rejected && more.reason == nil && more.months[0].acceptedMw == 0)

        // Two months, one full and one free: curtailed as a whole.
        let mixed = DispatchRules.place(
            Case30.trade("mixed", mw: [Case30.january: 50, Case30.february: 50]), sellerBus: 1, buyerBus: 4, on: big.load, network: network
        )
        #expect(mixed.months.map(\.status) == [.rejected, .accepted])
        #expect(mixed.status == .curtailed)
        #expect(abs(mixed.acceptedMwh - 50 * 672) < 1e-6)
    }

    @Test("an order whose seller or buyer has no bus, or a bus the case lacks, is rejected with the reason and changes nothing")
    func missingBus() throws {
        let network = try Case30.network()
        let before = DispatchRules.place(Case30.trade("a", mw: [Case30.january: 10]), sellerBus: 1, buyerBus: 4, on: NetworkLoad(), network: network)
        let trade = Case30.trade("x", mw: [Case30.january: 10, Case30.february: 20], seller: "m-gen", buyer: "m-mill")
        for (seller, buyer, words) in [(nil, 4, "seller m-gen"), (1, nil, "buyer m-mill"), (999, 4, "999"), (1, 31, "31")] as [(Int?, Int?, String)] {
            let placement = DispatchRules.place(trade, sellerBus: seller, buyerBus: buyer, on: before.load, network: network)
            #expect(placement.status == .rejected)
            #expect(placement.reason?.contains(words) == true, "\(placement.reason ?? "no reason")")
            #expect(placement.months.map(\.status) == [.rejected, .rejected] && placement.acceptedMwh == 0)
            #expect(abs(placement.months[1].requestedMw - 20) < 1e-9)
            #expect(placement.load.loadedMonths == [Case30.january])
            #expect(placement.load.flowsMW(in: Case30.january) == before.load.flowsMW(in: Case30.january))
        }
    }

    @Test("the signed result carries the placement, the case and the checker")
    func result() throws {
        let network = try Case30.network()
        let trade = Case30.trade("o-1", mw: [Case30.january: 500])
        let placement = DispatchRules.place(trade, sellerBus: 1, buyerBus: 4, on: NetworkLoad(), network: network)
        let result = placement.result(reviewSeq: 7, network: network, checkedAtMs: 1_000, checker: "m-dispatch")
        #expect(result.orderId == "o-1" && result.reviewSeq == 7 && result.seller == "m-seller" && result.buyer == "m-buyer")
        #expect(result.sellerBus == 1 && result.buyerBus == 4 && result.status == .curtailed && result.reason == nil)
        #expect(result.requestedMwh == trade.requestedMwh && result.acceptedMwh == placement.acceptedMwh && result.months == placement.months)
        #expect(result.network == Case30.identity && result.nMinus1 && result.checkedAtMs == 1_000 && result.checker == "m-dispatch")
        #expect(network.summary.buses == 30 && network.summary.branches == 41 && network.summary.nMinus1)
    }

    @Test("N-1 is stricter than the base case for the same transfer")
    func baseOnly() throws {
        let trade = Case30.trade("big", mw: [Case30.january: 500])
        let n1 = DispatchRules.place(trade, sellerBus: 1, buyerBus: 4, on: NetworkLoad(), network: try Case30.network(nMinus1: true))
        let base = DispatchRules.place(trade, sellerBus: 1, buyerBus: 4, on: NetworkLoad(), network: try Case30.network(nMinus1: false))
        #expect(base.months[0].acceptedMw > n1.months[0].acceptedMw)
        #expect(n1.months[0].binding.contains { $0.contingency != nil })
        #expect(base.months[0].binding.allSatisfy { $0.contingency == nil })
    }
}
