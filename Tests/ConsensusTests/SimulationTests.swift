import ConsensusSimulator
import Testing

/// The seeded fault simulator, on every seed: safety, agreement, certificates, client answers and
/// liveness must hold, across membership changes. A failing seed is reproduced, with its scenario
/// printed, by `gridtrade sim --seed N --data-centers 4|7`.
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

    /// The seeds above draw every fault class, and faults mostly start while transactions are in flight.
    @Test("the seeds draw every fault class: new Byzantine kinds, admissions and removals, clock skew, faults in flight, submissions after healing")
    func faultMix() {
        let four = Scenario.faultMix(seeds: 0..<1_000, nodes: 4), seven = Scenario.faultMix(seeds: 0..<100, nodes: 7)
        for (mix, seeds, least) in [(four, 1_000, 20), (seven, 100, 3)] {
            for fault in [
                "byzantine replay", "byzantine split-new-view", "membership admit", "membership remove", "clock skew",
                "clock beyond the skew limit", "crash or partition while transactions are in flight", "submissions after healing",
            ] {
                #expect((mix[fault] ?? 0) >= least, "\(fault): \(mix[fault] ?? 0) of \(seeds) seeds")
            }
            let inFlight = mix["crash or partition while transactions are in flight"] ?? 0, idle = mix["crash or partition after the last submission"] ?? 0
            #expect(idle * 20 <= inFlight + idle, "\(idle) of \(inFlight + idle) crash or partition seeds start after the last submission")
        }
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

    /// The membership binding is what stops a replaying primary: without it, view changes the
    /// founders signed start a view in a later membership and honest nodes execute different blocks.
    @Test("without the membership binding, view changes replayed from an earlier membership make honest nodes disagree, and the checker catches it")
    func unboundMessagesAreCaught() {
        let unbound = (0..<UInt64(10)).map { Simulator.run(Scenario.staleMembership(seed: $0, unbound: true)) }
        let caught = unbound.filter { $0.violations.contains { $0.property == .agreement || $0.property == .safety } }
        #expect(!caught.isEmpty, "no agreement or safety violation with unbound messages on seeds 0..<10")
        #expect(unbound.count { ($0.adversaryActions["replayed view changes as a new view's primary"] ?? 0) > 0 } >= 5)
    }

    @Test("with messages bound to their membership the same replay gets nowhere")
    func boundMessagesHold() {
        let bound = (0..<UInt64(10)).map { Simulator.run(Scenario.staleMembership(seed: $0, unbound: false)) }
        for report in bound {
            #expect(report.passed, "\(report.failureMessage) (add --stale-membership)")
            #expect(report.memberships == 3)
        }
        #expect(bound.count { ($0.adversaryActions["replayed view changes as a new view's primary"] ?? 0) > 0 } >= 5)
    }

    /// The new checks can fail too: a shell that answers clients the wrong index, and one that
    /// never switches membership, are reported.
    @Test("a shell that answers a client the wrong index is caught by the acknowledgement check")
    func wrongAnswersAreCaught() {
        let report = Simulator.run(Scenario.generate(seed: 1, nodes: 4).sabotaged(.answerOneOff))
        #expect(report.violations.contains { $0.property == .acknowledgement }, "\(report.failureMessage)")
    }

    @Test("a shell that never switches membership is caught by the liveness check")
    func missingSwitchIsCaught() throws {
        let seed = try #require((0..<UInt64(200)).first { !Scenario.generate(seed: $0, nodes: 4).membershipChanges.isEmpty })
        let report = Simulator.run(Scenario.generate(seed: seed, nodes: 4).sabotaged(.neverSwitch))
        #expect(report.violations.contains { $0.property == .liveness }, "\(report.failureMessage)")
    }

    @Test("a seed replays exactly")
    func deterministic() {
        let first = Simulator.run(seed: 42, nodes: 4), second = Simulator.run(seed: 42, nodes: 4)
        #expect(first.messagesSent == second.messagesSent)
        #expect(first.heights == second.heights)
        #expect(first.virtualTime == second.virtualTime)
    }
}
