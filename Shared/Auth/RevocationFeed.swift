import Bus
import Foundation
import Logging
import Messages

/// Keeps a service's `RevocationSet` current from the registry: the registry's revocation list
/// at start, then its `MemberRevoked` events (with catch-up), so every service refuses a revoked
/// member from then on.
public final class RevocationFeed: Sendable {
    public let revocations = RevocationSet()
    private let task: Task<Void, Never>

    /// - Parameters:
    ///   - rpc: a client of the registry's RPC endpoint.
    ///   - events: the registry's events endpoint.
    ///   - refresh: how often the whole list is read again, which covers what events cannot:
    ///     a registry restart (its event log starts empty) or a catch-up that was truncated.
    public init(rpc: RPCClient, events: String, logger: Logger, refresh: Duration = .seconds(10)) throws {
        let subscriber = try EventSubscriber(endpoint: events, rpc: rpc)
        let revocations = self.revocations
        task = Task {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            for try await event in subscriber.subscribe(RegistryAPI.memberRevoked) { revocations.add(event.body) }
                        } catch {
                            logger.warning("registry revocation events interrupted; resubscribing", metadata: ["error": "\(error)"])
                        }
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            try await rpc.call(RegistryAPI.listRevocations, Empty()).revocations.forEach(revocations.add)
                        } catch {
                            logger.warning("registry revocation list unavailable", metadata: ["error": "\(error)"])
                        }
                        try? await Task.sleep(for: refresh)
                    }
                }
            }
        }
    }

    deinit { task.cancel() }
}
