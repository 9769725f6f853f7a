import RegistryLink
import ServiceKit

// Matching: bilateral trade orders, and multilateral rounds cleared by the cooperative game.
await ServiceMain.run(.matching) { host in
    let store = try MatchingStore.open(settings: host.settings)
    let registry = try RegistryLink(settings: host.settings, logger: host.logger)
    let closer = RoundCloser(store: store, registry: registry, events: host.events, logger: host.logger)
    let deadlines = RoundDeadlines(store: store, closer: closer, logger: host.logger)
    MatchingService(host: host, store: store, registry: registry, deadlines: deadlines).register()
    // The registry link fetches the CA and follows revocations; the deadlines close rounds.
    return [registry, deadlines]
}
