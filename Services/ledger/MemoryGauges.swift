import Bus
import Foundation
import ServiceKit
import ServiceLifecycle

/// Publishes, every few seconds, how much each of the data center's in-memory collections holds,
/// as `ledger.memory.*` gauges in `Metrics/Get`: the core's log, pending and executed ids, the
/// shell's recent locations, waiters and caches, the deliveries in flight to peers, the events
/// kept for `Events/Since`, and the process's resident memory. A soak reads them beside VmRSS to
/// tell which collection (if any) grows; every one has a bound (docs/protocol.md, "Bounded memory").
struct MemoryGauges: Service {
    let node: LedgerNode
    let links: PeerLinks
    let events: EventPublisher
    let metrics: MetricsRegistry
    var every: Duration = .seconds(2)

    func run() async throws {
        try await untilGracefulShutdown { [self] in
            // High-water marks since start: a transient (a burst after a peer comes back) shows here
            // even between two reads.
            var mailboxPeak = 0
            var linksPeak = 0
            while true {
                for (name, value) in await node.footprint() { metrics.gauge("ledger.memory.\(name)", Double(value)) }
                let links = links.footprint
                linksPeak = max(linksPeak, links.worstPeerBytes)
                mailboxPeak = max(mailboxPeak, node.mailbox.takePeak())
                metrics.gauge("ledger.memory.links.in_flight", Double(links.calls))
                metrics.gauge("ledger.memory.links.in_flight_bytes", Double(links.bytes))
                metrics.gauge("ledger.memory.links.worst_peer_in_flight", Double(links.worstPeerCalls))
                metrics.gauge("ledger.memory.links.worst_peer_in_flight_bytes_peak", Double(linksPeak))
                metrics.gauge("ledger.memory.links.timed_out", Double(links.timedOut))
                metrics.gauge("ledger.memory.links.dropped", Double(links.dropped))
                let retained = events.retained
                metrics.gauge("ledger.memory.events.kept", Double(retained.events))
                metrics.gauge("ledger.memory.events.kept_bytes", Double(retained.bytes))
                metrics.gauge("ledger.memory.mailbox_peak", Double(mailboxPeak))
                metrics.gauge("ledger.memory.mailbox_dropped", Double(node.mailbox.droppedDeliveries))
                if let resident = Self.residentBytes() { metrics.gauge("ledger.memory.resident_bytes", Double(resident)) }
                try await Task.sleep(for: every)
            }
        }
    }

    /// VmRSS from /proc/self/status (Linux), in bytes.
    static func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        return kib * 1_024
    }
}
