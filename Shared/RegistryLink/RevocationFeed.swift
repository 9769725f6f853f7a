import Auth
import Bus
import Logging
import Messages
import ServiceKit

/// Keeps a service's `RevocationSet` current from the registry, as a `Follower`: woken by the
/// registry's `MemberRevoked` events and reading the registry's whole revocation list on every
/// sweep, which covers what events cannot (a registry restart, a lost event). The "cursor" is the
/// set itself: the registry's list is the durable record, read again at every start.
public struct RevocationFeed: FollowerSource {
    public let revocations: RevocationSet
    let client: RPCClient

    public init(client: RPCClient, revocations: RevocationSet = RevocationSet()) {
        self.client = client
        self.revocations = revocations
    }

    public func next() async throws -> [Revocation] {
        try await client.call(RegistryAPI.listRevocations, Empty()).revocations.filter { !revocations.isRevoked($0.memberId) }
    }

    public func handle(_ revocation: Revocation) async throws { revocations.add(revocation) }

    /// The feed as a service: events from `events`, the whole list every `refresh`.
    public func follower(events: EventSubscriber, refresh: Duration = .seconds(10), logger: Logger) -> Follower<RevocationFeed> {
        Follower(name: "revocations", source: self, wakeOn: [.events(events, RegistryAPI.memberRevoked)], sweepEvery: refresh, logger: logger)
    }
}
