import Bus
import DispatchCore
import Foundation
import Messages
import RegistryLink
import ServiceKit
import ServiceLifecycle
import Storage

/// The dispatch center's service, wired: its store, its network (rebuilt from the stored results),
/// its queries and the countersigning desk on the bus, and the services it runs: the registry
/// link, the dispatch center's identity, the follower that security-checks review's decisions, and
/// the one that signs the desk's drafts as a party.
struct DispatchService {
    let services: [any Service]

    init(host: BusHost) async throws {
        let settings = try DispatchSettings(host.settings)
        let store = try DispatchStore.open(path: URL(fileURLWithPath: host.settings.dataDirectory).appendingPathComponent("dispatch.sqlite").path)
        let registry = try RegistryLink(settings: host.settings, logger: host.logger)
        let identity = try ServiceIdentity(settings: host.settings, role: .dispatchCenter, logger: host.logger)
        let upstream = host.settings.upstream(.review)
        let review = try RPCClient(endpoint: upstream.rpc)

        let stored = try await store.read { try DispatchStore.results(after: 0, limit: .max, $0) }
        let desk = try await NetworkDesk.open(
            casePath: settings.casePath, nMinus1: settings.nMinus1, overloadThreshold: settings.overloadThreshold, replaying: stored.map(\.result))
        host.logger.info("network case loaded", metadata: ["network.name": "\(desk.network.identity.name)", "dispatch.replayed": "\(stored.count)"])

        host.server.register(DispatchAPI.getResult) { query, _ in
            guard let record = try await store.read({ try DispatchStore.result(query.orderId, $0) }) else {
                throw DispatchError.noCheck(orderId: query.orderId)
            }
            return record
        }
        host.server.register(DispatchAPI.listResults) { query, _ in
            let limit = min(max(query.limit ?? 500, 1), 5_000)
            return CheckList(results: try await store.read { try DispatchStore.results(after: query.afterSeq ?? 0, limit: limit, $0) })
        }
        host.server.register(DispatchAPI.getNetwork) { _, _ in desk.network.summary }
        let countersign = ContractCountersign(store: store, registry: registry, identity: identity)
        host.server.register(DispatchAPI.signContract) { request, context in try await countersign.sign(request, context: context) }

        // Review's decisions, one at a time in review's order, so each order is placed on top of
        // every order accepted before it.
        let checks = ReviewedOrders(
            store: store, desk: desk, registry: registry, identity: identity, review: review, events: host.events, logger: host.logger
        )
        let reviewEvents = try EventSubscriber(endpoint: upstream.events, rpc: review)
        let follower = Follower(
            name: "review-decisions", source: checks,
            wakeOn: [.events(reviewEvents, ReviewAPI.orderReviewed)],
            sweepEvery: settings.pollInterval, logger: host.logger
        )
        // The contracts the desk drafts: signed as a party when the terms are what the checks accepted.
        let drafts = Follower(
            name: "contract-drafts", source: DraftSigner(store: store, identity: identity, review: review, logger: host.logger),
            wakeOn: [.events(reviewEvents, ReviewAPI.draftUpdated)], sweepEvery: settings.draftSweepInterval, logger: host.logger
        )
        services = [registry, IdentityAcquisition(identity, from: registry, logger: host.logger), follower, drafts]
    }
}
