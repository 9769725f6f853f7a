import Testing
@testable import PowerFlow

@Suite struct NMinus1Tests {
    private func withOutage(_ data: MatpowerCase, _ k: Int) -> MatpowerCase {
        var copy = data
        copy.branches[k].status = 0
        return copy
    }

    /// The case with trades applied as injections: MW more at the seller, MW more load at the buyer.
    private func withTrades(_ data: MatpowerCase, _ trades: [(TradeInjection, Double)]) -> MatpowerCase {
        var copy = data
        for (trade, mw) in trades {
            copy.buses[copy.buses.firstIndex { $0.number == trade.sellerBus }!].loadMW -= mw
            copy.buses[copy.buses.firstIndex { $0.number == trade.buyerBus }!].loadMW += mw
        }
        return copy
    }

    @Test func bridgesAreNotContingencies() throws {
        let check = SecurityCheck(network: try DCNetwork(case: Fixtures.meshWithSpur(rate: 1_000)), nMinus1: true)
        #expect(check.contingencies == [0, 1, 2, 3, 4])
        #expect(check.skippedOutages == [5])
    }

    @Test func bridgeSearchHandlesParallelBranches() {
        // 0-1 doubled, the ring 1-2-3, the spur 3-4 (the only bridge) and an edge out of service.
        let ends: [(Int, Int)?] = [(0, 1), (0, 1), (1, 2), (2, 3), (3, 1), (3, 4), nil]
        #expect(Bridges.find(vertices: 5, ends: ends) == [5])
        #expect(Bridges.find(vertices: 3, ends: [(0, 1), (1, 2)]) == [0, 1])
    }

    /// f_l + LODF_lk·f_k equals a fresh power flow without branch k, for every pair.
    @Test func lodfMatchesAFreshPowerFlowWithoutTheBranch() throws {
        let data = Fixtures.meshWithSpur(rate: 1_000)
        let check = SecurityCheck(network: try DCNetwork(case: data), nMinus1: true)
        let table = check.table
        let base = check.flowsMW
        for (c, k) in table.contingencies.enumerated() {
            let fresh = Fixtures.flows(try DCNetwork(case: withOutage(data, k)))
            for (j, l) in table.monitored.enumerated() {
                let predicted = base[l] + table.lodf[c * table.monitored.count + j] * base[k]
                #expect(abs(predicted - fresh[l]) < 1e-9, "branch \(l) with \(k) out: \(predicted) vs \(fresh[l])")
            }
        }
    }

    /// The same on case30, which has transformers with taps.
    @Test func lodfMatchesOnCase30() throws {
        let data = try MatpowerCase(contentsOf: Fixtures.casePath("case30.m"))
        let check = SecurityCheck(network: try DCNetwork(case: data), nMinus1: true)
        let table = check.table
        #expect(table.contingencies.count + table.bridges.count == data.branches.count)
        var worst = 0.0
        for (c, k) in table.contingencies.enumerated() {
            let fresh = Fixtures.flows(try DCNetwork(case: withOutage(data, k)))
            for (j, l) in table.monitored.enumerated() where l != k {
                worst = max(worst, abs(check.flowsMW[l] + table.lodf[c * table.monitored.count + j] * check.flowsMW[k] - fresh[l]))
            }
        }
        #expect(worst < 1e-8)
        // A bridge's outage really islands a bus.
        for k in table.bridges {
            #expect(throws: NetworkError.self) { try DCNetwork(case: withOutage(data, k)) }
        }
    }

    /// With a limit every outage respects in the base case, N-1 curtails a trade the base case
    /// alone would take; fresh power flows with the outage and the accepted MW confirm both the
    /// feasibility and that the binding outage is at its limit.
    @Test func curtailsOnAContingencyAndFreshFlowsAgree() throws {
        let loose = Fixtures.meshWithSpur(rate: 10_000)
        let network = try DCNetwork(case: loose)
        let outages = SecurityCheck(network: network, nMinus1: true).contingencies
        var worst = network.baseFlows.map { abs($0.flowMW) }.max()!
        for k in outages { worst = max(worst, Fixtures.flows(try DCNetwork(case: withOutage(loose, k))).map(abs).max()!) }
        let limit = worst * 1.02
        let data = Fixtures.meshWithSpur(rate: limit)

        let trade = TradeInjection(id: "t", sellerBus: 1, buyerBus: 3, mw: 80)
        var baseOnly = SecurityCheck(network: try DCNetwork(case: data), nMinus1: false)
        var secure = SecurityCheck(network: try DCNetwork(case: data), nMinus1: true)
        let plain = try baseOnly.check(trade)
        let outcome = try secure.check(trade)
        #expect(outcome.status == .curtailed)
        #expect(outcome.acceptedMW < plain.acceptedMW)
        let binding = try #require(outcome.binding.first)
        let outage = try #require(binding.contingency)

        let after = withTrades(data, [(trade, outcome.acceptedMW)])
        for k in secure.contingencies {
            let flows = Fixtures.flows(try DCNetwork(case: withOutage(after, k)))
            #expect(flows.allSatisfy { abs($0) <= limit + 1e-6 }, "outage \(k)")
        }
        let atBinding = Fixtures.flows(try DCNetwork(case: withOutage(after, outage)))[binding.branch]
        #expect(abs(abs(atBinding) - limit) < 1e-6)
        #expect(abs(atBinding - binding.flowMW) < 1e-6)
        let more = withTrades(data, [(trade, outcome.acceptedMW + 0.01)])
        #expect(abs(Fixtures.flows(try DCNetwork(case: withOutage(more, outage)))[binding.branch]) > limit + 1e-6)
    }
}
