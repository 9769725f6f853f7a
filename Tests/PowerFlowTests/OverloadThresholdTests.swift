import Testing
@testable import PowerFlow

/// With N-1, a (branch, state) pair already over its limit before a trade holds the trade to "may
/// not grow" only where the trade's distribution factor on it is at least the threshold (5% by
/// default); a trade that would newly overload a pair is curtailed whatever its factor; the base
/// case without N-1 keeps holding every pre-existing overload.
@Suite struct OverloadThresholdTests {
    /// A corridor of two circuits 1–2 (rows 0, 1) carrying 100 MW from the generator at bus 1 to
    /// the load at bus 2, and a loop 2–3 (row 2), 3–4 twice (rows 3, 4), 4–1 (row 5) whose weak
    /// tie 4–1 (x = 3) carries little. Each circuit of the corridor carries 49.22 MW; with the other
    /// out it carries 96.92 MW. A trade from bus 4 to bus 3 runs almost all over 3–4: its factors are
    /// 0.78% on each circuit of the corridor in the base case, 1.54% with the other circuit out,
    /// and at most 3.08% on 4–1 (with a 3–4 circuit out). A trade from 1 to 2 puts 96.92% of itself
    /// on a circuit with the other out. (Worked out with numpy; the tests check them on the network.)
    static func corridor(corridorRate: Double, tieRate: Double = 0) -> MatpowerCase {
        MatpowerCase(
            baseMVA: 100,
            buses: [CaseBus(number: 1, type: .reference), CaseBus(number: 2, type: .pq, loadMW: 100), CaseBus(number: 3, type: .pq),
                    CaseBus(number: 4, type: .pq)],
            generators: [CaseGenerator(bus: 1, outputMW: 100)],
            branches: [
                CaseBranch(from: 1, to: 2, reactance: 0.1, rateA: corridorRate), CaseBranch(from: 1, to: 2, reactance: 0.1, rateA: corridorRate),
                CaseBranch(from: 2, to: 3, reactance: 0.1), CaseBranch(from: 3, to: 4, reactance: 0.1), CaseBranch(from: 3, to: 4, reactance: 0.1),
                CaseBranch(from: 4, to: 1, reactance: 3.0, rateA: tieRate),
            ]
        )
    }

    private func trade(_ id: String, _ seller: Int, _ buyer: Int, _ mw: Double) -> TradeInjection {
        TradeInjection(id: id, sellerBus: seller, buyerBus: buyer, mw: mw)
    }

    /// Flows from a fresh power flow of `data` with `mw` from seller to buyer and branch `out` out.
    private func flows(_ data: MatpowerCase, trade: (seller: Int, buyer: Int, mw: Double), out: Int?) throws -> [Double] {
        var copy = data
        copy.buses[copy.buses.firstIndex { $0.number == trade.seller }!].loadMW -= trade.mw
        copy.buses[copy.buses.firstIndex { $0.number == trade.buyer }!].loadMW += trade.mw
        if let out { copy.branches[out].status = 0 }
        return Fixtures.flows(try DCNetwork(case: copy))
    }

    /// The corridor rated 80 MW: fine in the base case, over its limit (96.92 MW) after the outage
    /// of the other circuit. A 4→3 trade grows those pairs with a factor of 1.54%: accepted in
    /// full. A 1→2 trade grows them with 96.92%: held to "may not grow", so rejected. A 2→1 trade
    /// relieves them: accepted.
    @Test func smallFactorOnAPreexistingOverloadPasses() throws {
        let data = Self.corridor(corridorRate: 80)
        var check = SecurityCheck(network: try DCNetwork(case: data), nMinus1: true)
        let before = try flows(data, trade: (4, 3, 0), out: 1)[0]
        #expect(abs(before - 96.923_076_923) < 1e-6)
        let factor = (try flows(data, trade: (4, 3, 1), out: 1)[0]) - before
        #expect(factor > 0 && factor < 0.05)

        let small = try check.check(trade("small", 4, 3, 10))
        #expect(small == TradeOutcome(id: "small", status: .accepted, acceptedMW: 10, binding: []))
        // The overloaded pair did grow, by the factor times the MW: that is what the threshold allows.
        let grown = try flows(data, trade: (4, 3, 10), out: 1)[0]
        #expect(abs(grown - (before + 10 * factor)) < 1e-9)

        let large = try check.check(trade("large", 1, 2, 10))
        #expect(large.status == .rejected && large.acceptedMW == 0)
        #expect(Set(large.binding.map { [$0.branch, $0.contingency ?? -1] }) == [[0, 1], [1, 0]])
        #expect(large.binding.allSatisfy { $0.limitMW == 80 && abs($0.flowMW - grown) < 1e-9 })

        #expect(try check.check(trade("relief", 2, 1, 10)).status == .accepted)
    }

    /// A pair that is within its limit before the trade still stops it, however small the trade's
    /// factor on it: the tie 4–1, rated 5 MW, carries −1.54 MW with a 3–4 circuit out and takes
    /// 3.08% of a 4→3 trade there, so a 500 MW trade is cut to (5 + 1.54)/3.08% ≈ 212 MW, while
    /// the overloaded corridor pairs (1.54%) are let grow.
    @Test func newOverloadIsCurtailedWhateverItsFactor() throws {
        let data = Self.corridor(corridorRate: 80, tieRate: 5)
        var check = SecurityCheck(network: try DCNetwork(case: data), nMinus1: true)
        let outcome = try check.check(trade("big", 4, 3, 500))
        #expect(outcome.status == .curtailed)
        #expect(Set(outcome.binding.map { [$0.branch, $0.contingency ?? -1] }) == [[5, 3], [5, 4]])
        #expect(outcome.binding.allSatisfy { $0.limitMW == 5 && abs($0.flowMW - 5) < 1e-6 })
        let tie = try flows(data, trade: (4, 3, outcome.acceptedMW), out: 3)[5]
        #expect(abs(tie - 5) < 1e-6)
        let factor = (try flows(data, trade: (4, 3, 1), out: 3)[5]) - (try flows(data, trade: (4, 3, 0), out: 3)[5])
        #expect(factor > 0 && factor < 0.05)
        #expect(abs(outcome.acceptedMW - (5 - (try flows(data, trade: (4, 3, 0), out: 3)[5])) / factor) < 1e-6)
    }

    /// Rated 45 MW, the corridor is over its limit in the base case (49.22 MW) as well. With N-1 the
    /// threshold covers the base-case pair too (factor 0.78%): the 4→3 trade passes. Without N-1
    /// the base case keeps today's rule: any growth of an overloaded branch is refused.
    @Test func baseCaseOverloadFollowsTheThresholdOnlyWithNMinus1() throws {
        let network = try DCNetwork(case: Self.corridor(corridorRate: 45))
        #expect(network.baseFlows[0].flowMW > 45)
        var secure = SecurityCheck(network: network, nMinus1: true)
        #expect(try secure.check(trade("t", 4, 3, 10)).status == .accepted)

        var plain = SecurityCheck(network: network, nMinus1: false)
        let held = try plain.check(trade("t", 4, 3, 10))
        #expect(held.status == .rejected)
        #expect(Set(held.binding.map(\.branch)) == [0, 1] && held.binding.allSatisfy { $0.contingency == nil })
    }

    /// The threshold is a setting: the 4→3 trade's factor on the overloaded outage pairs is 1/65
    /// (1.54%), so a threshold just under it holds the trade and one just over it lets it pass;
    /// 0 holds every overloaded pair, as before the threshold existed.
    @Test(arguments: [(0.0, TradeStatus.rejected), (0.0153, .rejected), (0.0155, .accepted), (SecurityCheck.defaultOverloadThreshold, .accepted)])
    func thresholdIsASetting(threshold: Double, status: TradeStatus) throws {
        var check = SecurityCheck(network: try DCNetwork(case: Self.corridor(corridorRate: 80)), nMinus1: true, overloadThreshold: threshold)
        #expect(check.overloadThreshold == threshold)
        #expect(try check.check(trade("t", 4, 3, 10)).status == status)
    }

    @Test func thresholdDefaultsTo5PercentAndIsZeroWithoutNMinus1() throws {
        let network = try DCNetwork(case: Self.corridor(corridorRate: 80))
        #expect(SecurityCheck.defaultOverloadThreshold == 0.05)
        #expect(SecurityCheck(network: network, nMinus1: true).overloadThreshold == 0.05)
        #expect(SecurityCheck(network: network, nMinus1: false, overloadThreshold: 0.2).overloadThreshold == 0)
        let held = try SecurityCheck.report(network: network, trades: [trade("t", 4, 3, 10)], nMinus1: true, overloadThreshold: 0)
        #expect(held.trades.map(\.status) == [.rejected])
    }
}
