import Foundation
import LedgerKit
import RegistryLink
import ServiceKit

// The ledger: one data center, running PBFT with the others and keeping the chain of blocks.
// Its large messages come in bursts (view changes): what a burst takes must go back when it ends.
LargeAllocations.mapLargeBuffers()
LargeAllocations.limitArenas()
await ServiceMain.run(.ledger) { host in
    let settings = try LedgerSettings(host.settings)
    let registry = try RegistryLink(settings: host.settings, logger: host.logger)
    let store = try LedgerStore(path: URL(fileURLWithPath: host.settings.dataDirectory).appendingPathComponent("ledger.sqlite").path)
    let links = PeerLinks(maxMessageBytes: host.settings.maxMessageBytes, logger: host.logger)
    let trust = LedgerTrust(registry: registry)
    let node = try await LedgerNode.open(
        settings: settings, store: store, trust: trust, links: links,
        announcer: BlockAnnouncer(events: host.events, logger: host.logger), logger: host.logger
    )
    LedgerService(node: node, instance: host.settings.instance).register(on: host.server)
    // Shutdown runs in reverse: catch-up and the clock stop first, the turn loop answers whoever
    // still waits, then the links drain, and the RPC server (the host) closes last.
    return [
        registry,
        DataCenterRegistration(registry: registry, key: node.setup.key, instance: host.settings.instance, logger: host.logger),
        links,
        TurnLoop(node: node),
        LedgerClock(node: node, every: settings.tick),
        CatchUpLoop(node: node, maxMessageBytes: host.settings.maxMessageBytes, logger: host.logger),
        RevocationRelayLoop(node: node, trust: trust, logger: host.logger),
        MemoryGauges(node: node, links: links, events: host.events, metrics: host.metrics),
    ]
}
