import Bus
import Credentials
import Foundation
import Logging
import Messages
import ServiceKit
import ServiceLifecycle

/// A member's extension node (`gridtrade agent`): it follows the trading center's desk for the
/// drafts that wait for this member's signature, woken by `DraftUpdated` and sweeping
/// `Review/ListDrafts` for any an event did not announce. With `autoSign` it signs exactly the
/// drafts `PartyConsent` accepts against what the member agreed to, and logs each refusal with
/// its reason; without it, it prints each pending draft once. A `Service`, so several agents
/// (`gridtrade demo`'s seven parties) run in one `ServiceGroup`.
struct MemberAgent: Service {
    let signer: MemberSigner
    let endpoints: AgentEndpoints
    let autoSign: Bool
    let sweepEvery: Duration
    let logger: Logger

    init(signer: MemberSigner, endpoints: AgentEndpoints, autoSign: Bool, logger: Logger, sweepEvery: Duration = .seconds(2)) {
        self.signer = signer
        self.endpoints = endpoints
        self.autoSign = autoSign
        self.sweepEvery = sweepEvery
        var logger = logger
        logger[metadataKey: "member.id"] = "\(signer.memberID)"
        self.logger = logger
    }

    func run() async throws {
        let review = try RPCClient(endpoint: endpoints.review.rpc)
        let registry = try RPCClient(endpoint: endpoints.registry)
        let matching = try RPCClient(endpoint: endpoints.matching)
        let dispatch = try RPCClient(endpoint: endpoints.dispatch)
        defer {
            for client in [review, registry, matching, dispatch] { client.close() }
        }
        let drafts = AgentDrafts(
            signer: signer, review: review, registry: registry, gathering: ConsentGathering(matching: matching, dispatch: dispatch), autoSign: autoSign,
            logger: logger
        )
        let follower = Follower(
            name: "drafts", source: drafts,
            // Only drafts waiting for this member: with many agents on one desk, every update would wake them all.
            wakeOn: [.events(try EventSubscriber(endpoint: endpoints.review.events, rpc: review), ReviewAPI.draftUpdated, when: { [member = signer.member] in $0.awaiting.contains(member) })],
            sweepEvery: sweepEvery, logger: logger
        )
        logger.info("agent following the desk's drafts", metadata: ["agent.auto_sign": "\(autoSign)", "review": "\(endpoints.review.rpc)"])
        try await follower.run()
    }
}
