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
    public init(rpc: RPCClient, events: String, logger: Logger) throws {
        let subscriber = try EventSubscriber(endpoint: events, rpc: rpc)
        let revocations = self.revocations
        task = Task {
            // Live events first, so none published while the list is read is missed.
            let stream = subscriber.subscribe(RegistryAPI.memberRevoked)
            while !Task.isCancelled {
                do {
                    let list = try await rpc.call(RegistryAPI.listRevocations, Empty())
                    list.revocations.forEach(revocations.add)
                    break
                } catch {
                    logger.warning("registry revocation list unavailable; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            do {
                for try await event in stream { revocations.add(event.body) }
            } catch {
                logger.error("registry revocation events ended", metadata: ["error": "\(error)"])
            }
        }
    }

    deinit { task.cancel() }
}
