import Testing
@testable import PowerFlow

/// N-1 checks post-outage flows against the emergency rating (RATE_C, else RATE_B, else RATE_A);
/// the base case keeps RATE_A.
@Suite struct EmergencyRatingTests {
    /// The triangle of `Fixtures.triangle` as a case file, with RATE_A, RATE_B and RATE_C per branch
    /// (1→2, 1→3, 2→3): the ratings come in through the parser, as they do from deploy/cases.
    static func triangle(rates: [(a: Double, b: Double, c: Double)]) -> String {
        let ends = [(1, 2), (1, 3), (2, 3)]
        let rows = zip(ends, rates).map { end, rate in "\t\(end.0)\t\(end.1)\t0\t0.1\t0\t\(rate.a)\t\(rate.b)\t\(rate.c)\t0\t0\t1\t-360\t360;" }
        return """
            function mpc = triangle
            mpc.version = '2';
            mpc.baseMVA = 100;
            mpc.bus = [
            \t1\t3\t0\t0\t0\t0\t1\t1\t0\t135\t1\t1.05\t0.95;
            \t2\t1\t60\t0\t0\t0\t1\t1\t0\t135\t1\t1.05\t0.95;
            \t3\t1\t40\t0\t0\t0\t1\t1\t0\t135\t1\t1.05\t0.95;
            ];
            mpc.gen = [
            \t1\t100\t0\t10\t-10\t1\t100\t1\t200\t0;
            ];
            mpc.branch = [
            \(rows.joined(separator: "\n"))
            ];
            """
    }

    private func check(_ text: String, nMinus1: Bool = true) throws -> SecurityCheck {
        SecurityCheck(network: try DCNetwork(case: try MatpowerCase(parsing: text)), nMinus1: nMinus1)
    }

    /// Every branch: RATE_A 80, RATE_C 110. Either outage of 1→2 or 1→3 puts the whole 100 MW on
    /// the other, over RATE_A but within RATE_C. A 1→2 trade runs entirely over that branch after
    /// the outage, so it fits up to 110 − 100 = 10 MW; the base case alone would take 40 MW
    /// ((80 − 160/3)/(2/3)). On RATE_A, both outage pairs are already over 80 and the trade
    /// grows them with a factor of 1, so it would get nothing.
    @Test func postOutageFlowsAreCheckedAgainstRateC() throws {
        let text = Self.triangle(rates: Array(repeating: (a: 80, b: 0, c: 110), count: 3))
        var secure = try check(text)
        let outcome = try secure.check(TradeInjection(id: "t", sellerBus: 1, buyerBus: 2, mw: 30))
        #expect(outcome.status == .curtailed)
        #expect(abs(outcome.acceptedMW - 10) < 1e-9)
        #expect(!outcome.binding.isEmpty)
        for limit in outcome.binding {
            #expect(limit.contingency != nil && limit.limitMW == 110 && abs(abs(limit.flowMW) - 110) < 1e-6, "\(limit)")
        }
        #expect(Set(outcome.binding.map { [$0.branch, $0.contingency ?? -1] }) == [[0, 1], [1, 0]])

        // Fresh power flows with each outage and the accepted MW: within RATE_C everywhere.
        var after = try MatpowerCase(parsing: text)
        after.buses[0].loadMW -= outcome.acceptedMW
        after.buses[1].loadMW += outcome.acceptedMW
        for k in secure.contingencies {
            var out = after
            out.branches[k].status = 0
            #expect(Fixtures.flows(try DCNetwork(case: out)).allSatisfy { abs($0) <= 110 + 1e-6 }, "outage \(k)")
        }
    }

    /// RATE_C 0 falls back to RATE_B; RATE_B 0 too falls back to RATE_A, where the outage pairs are
    /// already over their limit and a trade with a factor of 1 on them may not make them grow.
    @Test func emergencyRatingFallsBackToRateBThenRateA() throws {
        var onB = try check(Self.triangle(rates: Array(repeating: (a: 80, b: 110, c: 0), count: 3)))
        let viaB = try onB.check(TradeInjection(id: "t", sellerBus: 1, buyerBus: 2, mw: 30))
        #expect(viaB.status == .curtailed && abs(viaB.acceptedMW - 10) < 1e-9)
        #expect(viaB.binding.allSatisfy { $0.limitMW == 110 })

        var onA = try check(Self.triangle(rates: Array(repeating: (a: 80, b: 0, c: 0), count: 3)))
        let viaA = try onA.check(TradeInjection(id: "t", sellerBus: 1, buyerBus: 2, mw: 30))
        #expect(viaA.status == .rejected && viaA.acceptedMW == 0)
        #expect(viaA.binding.allSatisfy { $0.limitMW == 80 && $0.contingency != nil && abs(abs($0.flowMW) - 100) < 1e-9 })
    }

    /// RATE_A 60 on 1→2 (200 elsewhere), RATE_C 200 everywhere: the base case binds at RATE_A,
    /// (60 − 160/3)/(2/3) = 10 MW, and the outages (100 + 10 MW on the surviving branch) are well
    /// within RATE_C. On RATE_A the outage of 1→3 already puts 100 MW on 1→2, over its 60.
    @Test func baseCaseKeepsRateA() throws {
        var secure = try check(Self.triangle(rates: [(a: 60, b: 0, c: 200), (a: 200, b: 0, c: 200), (a: 200, b: 0, c: 200)]))
        let outcome = try secure.check(TradeInjection(id: "t", sellerBus: 1, buyerBus: 2, mw: 30))
        #expect(outcome.status == .curtailed)
        #expect(abs(outcome.acceptedMW - 10) < 1e-9)
        #expect(outcome.binding.count == 1)
        #expect(outcome.binding.first.map { $0.branch == 0 && $0.contingency == nil && $0.limitMW == 60 && abs($0.flowMW - 60) < 1e-9 } == true)
    }

    @Test func emergencyLimitIsTheFirstRatingSet() {
        func branch(_ a: Double, _ b: Double, _ c: Double) -> CaseBranch { CaseBranch(from: 1, to: 2, reactance: 0.1, rateA: a, rateB: b, rateC: c) }
        #expect(branch(80, 95, 110).emergencyLimitMW == 110)
        #expect(branch(80, 95, 0).emergencyLimitMW == 95)
        #expect(branch(80, 0, 0).emergencyLimitMW == 80)
        #expect(branch(0, 0, 0).emergencyLimitMW == nil && branch(0, 0, 0).limitMW == nil)
        #expect(branch(0, 0, 120).emergencyLimitMW == 120 && branch(0, 0, 120).limitMW == nil)
    }

    /// A branch with RATE_A 0 (no limit in the base case) but RATE_C 105 is watched after outages
    /// only: the outage of 1→3 puts 100 MW on it, so a 1→2 trade fits up to 5 MW with N-1 and in
    /// full without.
    @Test func branchRatedOnlyForEmergenciesIsWatchedAfterOutages() throws {
        let text = Self.triangle(rates: [(a: 0, b: 0, c: 105), (a: 0, b: 0, c: 0), (a: 0, b: 0, c: 0)])
        var secure = try check(text)
        #expect(secure.monitored == [0])
        let outcome = try secure.check(TradeInjection(id: "t", sellerBus: 1, buyerBus: 2, mw: 30))
        #expect(outcome.status == .curtailed && abs(outcome.acceptedMW - 5) < 1e-9)
        #expect(outcome.binding.map { [$0.branch, $0.contingency ?? -1] } == [[0, 1]] && outcome.binding.first?.limitMW == 105)

        var plain = try check(text, nMinus1: false)
        #expect(plain.monitored.isEmpty)
        #expect(try plain.check(TradeInjection(id: "t", sellerBus: 1, buyerBus: 2, mw: 30)).status == .accepted)
    }

    /// Without N-1 nothing changes: RATE_A in the base case, whatever RATE_B and RATE_C say.
    @Test func baseOnlyCheckIgnoresEmergencyRatings() throws {
        var plain = try check(Self.triangle(rates: [(a: 60, b: 500, c: 500), (a: 0, b: 0, c: 0), (a: 0, b: 0, c: 0)]), nMinus1: false)
        let outcome = try plain.check(TradeInjection(id: "t", sellerBus: 1, buyerBus: 2, mw: 30))
        #expect(outcome.status == .curtailed && abs(outcome.acceptedMW - 10) < 1e-9)
        #expect(outcome.binding.map(\.limitMW) == [60])
    }
}
