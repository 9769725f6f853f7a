import Bus
import Foundation
import Messages

/// The market part of the demo: the plans and the demand published, the round opened by the
/// consumer, the generators' offers, and the clearing as matching decided it.
struct DemoRound {
    let scenario: DemoCase
    let parties: DemoParties
    let registry: RPCClient
    let matching: RPCClient
    let month: DeliveryMonth
    let duration: Duration
    let wait: DemoWait
    let account: DemoAccount

    struct Cleared: Sendable {
        var round: Round
        var outcome: RoundOutcome
        /// Shapley share by the scenario's generator name, for the serving coalition.
        var shapley: [String: Double]
    }

    func publish() async throws {
        for generator in parties.generators {
            let unit = generator.unit
            let plan = PublishPlanRequest(month: month, minMw: unit.pmin, maxMw: unit.pmax, a: unit.a, b: unit.b, c: unit.c, k: unit.k)
            _ = try await wait.call("publishing", "\(unit.name)'s plan for \(month)") {
                try await registry.call(RegistryAPI.publishPlan, plan, deadline: .seconds(30), signer: generator.signer)
            }
        }
        let demand = PublishDemandRequest(month: month, mwh: scenario.demandMwh, maxPrice: scenario.maxPrice)
        _ = try await wait.call("publishing", "the consumer's demand for \(month)") {
            try await registry.call(RegistryAPI.publishDemand, demand, deadline: .seconds(30), signer: parties.consumer)
        }
        account.stage(
            "published",
            "plans of \(names) for \(month), and the consumer's demand: \(Self.number(scenario.demandMwh)) MWh at most \(scenario.maxPrice) $/MWh"
        )
    }

    /// The consumer opens the round on its published demand, signing what it buys; every generator offers its data.
    func open() async throws -> Round {
        let request = OpenRoundRequest(
            month: month, durationMs: Int64(DemoAccount.seconds(duration) * 1000), pricing: scenario.pricing, demandMwh: scenario.demandMwh,
            maxPrice: scenario.maxPrice
        )
        let round = try await wait.call("the round", "Matching/OpenRound") {
            try await matching.call(MatchingAPI.openRound, request, deadline: .seconds(30), signer: parties.consumer)
        }
        for generator in parties.generators {
            let unit = generator.unit
            let offer = SubmitOfferRequest(roundId: round.id, minMwh: unit.pmin, maxMwh: unit.pmax, a: unit.a, b: unit.b, c: unit.c, k: unit.k)
            _ = try await wait.call("the round", "\(unit.name)'s offer into \(round.id)") {
                try await matching.call(MatchingAPI.submitOffer, offer, deadline: .seconds(30), signer: generator.signer)
            }
        }
        account.stage("round", "\(round.id) opened by the consumer for \(DemoWait.seconds(duration)); \(names) offered (sealed until it closes)")
        return round
    }

    /// Waits for the round's deadline and the game; a failed round stops the demo with matching's reason.
    func clearing(_ id: RoundID) async throws -> Cleared {
        let round = try await wait.until("the clearing of \(id)") { () async throws -> Look<Round> in
            let round = try await matching.call(MatchingAPI.getRound, RoundQuery(roundId: id), deadline: .seconds(30))
            switch round.status {
            case .open: return .waiting("open with \(round.offerCount) offers, deadline at \(round.deadlineMs) ms")
            case .failed: return .failed("the round failed: \(round.reason ?? "no reason given")")
            case .cleared: return .done(round)
            }
        }
        guard let outcome = round.outcome else { throw Failure("the clearing of \(id): cleared without an outcome") }
        var shapley: [String: Double] = [:]
        for generator in parties.generators {
            if let share = outcome.shapley[generator.signer.member], outcome.outputs[generator.signer.member] != nil { shapley[generator.unit.name] = share }
        }
        account.stage(
            "cleared",
            "at \(outcome.clearingPrice) $/MWh (\(outcome.pricing.rawValue) pricing); the serving coalition is worth \(Self.money(outcome.coalitionValue)), shared by Shapley value:"
        )
        for generator in parties.generators {
            let id = generator.signer.member
            guard let output = outcome.outputs[id] else {
                account.detail("\(generator.unit.name): not in the serving coalition")
                continue
            }
            account.detail("\(generator.unit.name): \(Self.money(output)) MWh, Shapley \(Self.money(outcome.shapley[id] ?? 0))")
        }
        return Cleared(round: round, outcome: outcome, shapley: shapley)
    }

    private var names: String { parties.generators.map(\.unit.name).joined(separator: ", ") }

    /// Two decimals, as the paper prints its numbers; a whole number without them.
    static func number(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(format: "%.0f", value) : String(format: "%.2f", value) }

    /// Always two decimals: shares and values.
    static func money(_ value: Double) -> String { String(format: "%.2f", value) }
}
