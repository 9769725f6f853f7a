import ConsensusSimulator
import Testing

/// The seeded fault simulator, on every seed: safety, certificates and liveness must hold.
/// A failing seed is reproduced, with its scenario printed, by `gridtrade sim --seed N --nodes 4|7`.
@Suite("Seeded simulation")
struct SimulationTests {
    @Test("4 data centers, 1,000 seeds", arguments: 0..<UInt64(1_000))
    func fourNodes(seed: UInt64) {
        let report = Simulator.run(seed: seed, nodes: 4)
        #expect(report.passed, "\(report.failureMessage) or swift test --filter ConsensusTests.SimulationTests/fourNodes")
    }

    @Test("7 data centers, 100 seeds", arguments: 0..<UInt64(100))
    func sevenNodes(seed: UInt64) {
        let report = Simulator.run(seed: seed, nodes: 7)
        #expect(report.passed, "\(report.failureMessage) or swift test --filter ConsensusTests.SimulationTests/sevenNodes")
    }

    /// The checker can fail: with quorums of 2f an equivocating primary that votes for both sides
    /// splits the honest nodes, and the simulator must say so.
    @Test("quorums of 2f let an equivocating primary split the honest nodes, and the checker catches it")
    func brokenQuorumIsCaught() {
        let unsafe = (0..<UInt64(10)).map { Simulator.run(Scenario.brokenQuorum(seed: $0, nodes: 4)) }
        let caught = unsafe.filter { $0.violations.contains { $0.property == .safety } }
        #expect(!caught.isEmpty, "no safety violation found with the broken quorum on seeds 0..<10")
    }

    @Test("the same adversary cannot split the honest nodes with 2f+1")
    func correctQuorumHolds() {
        for seed in 0..<UInt64(10) {
            let scenario = Scenario.brokenQuorum(seed: seed, nodes: 4)
            let report = Simulator.run(scenario.withCorrectQuorum)
            #expect(report.passed, "\(report.failureMessage)")
        }
    }

    @Test("a seed replays exactly")
    func deterministic() {
        let first = Simulator.run(seed: 42, nodes: 4), second = Simulator.run(seed: 42, nodes: 4)
        #expect(first.messagesSent == second.messagesSent)
        #expect(first.heights == second.heights)
        #expect(first.virtualTime == second.virtualTime)
    }
}
