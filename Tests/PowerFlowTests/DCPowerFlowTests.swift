import Testing
@testable import PowerFlow

@Suite struct DCPowerFlowTests {
    private func close(_ a: [Double], _ b: [Double], within tolerance: Double = 1e-9) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
    }

    @Test func triangleFlowsByHand() throws {
        let network = try DCNetwork(case: Fixtures.triangle())
        #expect(close(Fixtures.flows(network), [160.0 / 3, 140.0 / 3, -20.0 / 3]))
        #expect(network.referenceBus == 1)
        #expect(network.baseFlows.map(\.from) == [1, 1, 2] && network.baseFlows.map(\.to) == [2, 3, 3])
        #expect(network.baseFlows.map(\.limitMW) == [nil, nil, nil])
    }

    @Test func transferSensitivitiesByHand() throws {
        let network = try DCNetwork(case: Fixtures.triangle())
        #expect(close(try network.transferSensitivities(seller: 1, buyer: 2), [2.0 / 3, 1.0 / 3, -1.0 / 3]))
        #expect(close(try network.transferSensitivities(seller: 3, buyer: 2), [1.0 / 3, -1.0 / 3, -2.0 / 3]))
        #expect(throws: NetworkError.notABus(9)) { try network.transferSensitivities(seller: 9, buyer: 2) }
    }

    /// Two parallel branches 1→2 carrying 50 MW: a line (b = 10) and a transformer with tap 2
    /// (b = 1/(0.1·2) = 5), so the split is 2/3 : 1/3; TAP 0 on the line means 1.
    @Test func tapScalesSusceptance() throws {
        var data = MatpowerCase(baseMVA: 100, buses: [CaseBus(number: 1, type: .reference), CaseBus(number: 2, type: .pq, loadMW: 50)],
                                generators: [CaseGenerator(bus: 1, outputMW: 50)],
                                branches: [CaseBranch(from: 1, to: 2, reactance: 0.1, tap: 0), CaseBranch(from: 1, to: 2, reactance: 0.1, tap: 2)])
        #expect(close(Fixtures.flows(try DCNetwork(case: data)), [100.0 / 3, 50.0 / 3]))
        // A shift of 0.01 rad on the transformer: Pfinj = 5·(−0.01) = −0.05 p.u., so
        // θ1 − θ2 = (0.5 + 0.05)/15 and the flows are 1000·0.55/15 and 500·0.55/15 − 5 MW.
        data.branches[1].shiftDegrees = 0.01 * 180 / .pi
        #expect(close(Fixtures.flows(try DCNetwork(case: data)), [1000 * 0.55 / 15, 500 * 0.55 / 15 - 5]))
        // GS = 10 MW at bus 2 is 10 MW more to carry, as rundcpf subtracts Gs/baseMVA.
        data.branches[1].shiftDegrees = 0
        data.buses[1].shuntMW = 10
        #expect(close(Fixtures.flows(try DCNetwork(case: data)), [40, 20]))
    }

    /// ext2int's rules: a branch with status 0 or an isolated end is out (flow 0), a generator with
    /// status <= 0 or on an isolated bus is out, an isolated bus's load is ignored.
    @Test func outOfServiceElementsAndIsolatedBuses() throws {
        var data = Fixtures.triangle()
        data.branches[2].status = 0
        data.buses.append(CaseBus(number: 4, type: .isolated, loadMW: 500))
        data.branches.append(CaseBranch(from: 1, to: 4, reactance: 0.1))
        data.generators.append(CaseGenerator(bus: 2, outputMW: 30, status: 0))
        data.generators.append(CaseGenerator(bus: 4, outputMW: 70, status: 1))
        let network = try DCNetwork(case: data)
        #expect(close(Fixtures.flows(network), [60, 40, 0, 0]))
        #expect(network.branches.map(\.inService) == [true, true, false, false])
        #expect(network.busCount == 3)
        #expect(!network.hasBus(4))
    }

    /// As MATPOWER's bustypes: a type-3 bus without a generator in service hands the reference to
    /// the first type-2 bus with one, which then takes the mismatch.
    @Test func referenceFallsBackToFirstGeneratingPVBus() throws {
        var data = Fixtures.triangle()
        // 80 MW against 100 MW of load: whichever bus is the reference takes the 20 MW mismatch.
        data.generators = [CaseGenerator(bus: 1, outputMW: 100, status: 0), CaseGenerator(bus: 3, outputMW: 80)]
        data.buses[2].type = .pv
        let network = try DCNetwork(case: data)
        #expect(network.referenceBus == 3)
        let f = Fixtures.flows(network)
        #expect(abs((f[0] + f[1]) - 0) < 1e-9)         // bus 1 injects nothing (it would inject 20 MW as the reference)
        #expect(abs((-f[0] + f[2]) - (-60)) < 1e-9)    // bus 2 takes 60
    }

    /// Kirchhoff's current law on real cases: out of every non-reference bus flows Pg − Pd − Gs.
    @Test(arguments: ["case30.m", "case2869pegase.m"])
    func flowsBalanceEveryBus(name: String) throws {
        let data = try MatpowerCase(contentsOf: Fixtures.casePath(name))
        let network = try DCNetwork(case: data)
        var net: [Int: Double] = [:]
        for bus in data.buses where bus.type != .isolated { net[bus.number, default: 0] -= bus.loadMW + bus.shuntMW }
        for gen in data.generators where gen.inService { net[gen.bus, default: 0] += gen.outputMW }
        for flow in network.baseFlows {
            net[flow.from, default: 0] -= flow.flowMW
            net[flow.to, default: 0] += flow.flowMW
        }
        let worst = net.filter { $0.key != network.referenceBus }.map { abs($0.value) }.max() ?? 0
        #expect(worst < 1e-6)
        #expect(network.baseFlows.count == data.branches.count)
    }

    @Test func islandedNetworkNamesABus() {
        var data = Fixtures.triangle()
        data.branches[1].status = 0
        data.branches[2].status = 0
        #expect(throws: NetworkError.islanded(bus: 3, reference: 1)) { try DCNetwork(case: data) }
    }

    @Test func networkErrors() {
        var noReference = Fixtures.triangle()
        noReference.buses[0].type = .pv
        #expect(throws: NetworkError.noReferenceBus) { try DCNetwork(case: noReference) }
        var twoReferences = Fixtures.triangle()
        twoReferences.buses[1].type = .reference
        #expect(throws: NetworkError.multipleReferenceBuses([1, 2])) { try DCNetwork(case: twoReferences) }
        var unknown = Fixtures.triangle()
        unknown.branches[2].to = 8
        #expect(throws: NetworkError.unknownBus(element: "branch", index: 2, bus: 8)) { try DCNetwork(case: unknown) }
        var zeroX = Fixtures.triangle()
        zeroX.branches[1].reactance = 0
        #expect(throws: NetworkError.zeroReactance(branch: 1)) { try DCNetwork(case: zeroX) }
        var duplicate = Fixtures.triangle()
        duplicate.buses[2].number = 2
        #expect(throws: NetworkError.duplicateBus(2)) { try DCNetwork(case: duplicate) }
    }
}

@Suite("Power flows that reuse the factorisation")
struct ReusedFactorisationTests {
    @Test("no change gives the base flows; a change at two buses gives base + PTDF x MW on case30")
    func reuse() throws {
        let text = try String(contentsOfFile: Fixtures.casePath("case30.m"), encoding: .utf8)
        let network = try DCNetwork(case: try MatpowerCase(parsing: text))
        let same = try network.powerFlow()
        for (flow, base) in zip(same, network.baseFlows) { #expect(abs(flow - base.flowMW) < 1e-9) }
        let ptdf = try network.transferSensitivities(seller: 2, buyer: 30)
        let moved = try network.powerFlow(changesMW: [2: 15, 30: -15])
        for l in moved.indices { #expect(abs(moved[l] - (network.baseFlows[l].flowMW + 15 * ptdf[l])) < 1e-9, "branch \(l)") }
        #expect(throws: NetworkError.self) { try network.powerFlow(changesMW: [999: 1]) }
    }
}
