import Bus
import Consensus
import Foundation
import LedgerCore
import LedgerKit
import LedgerRules
import Logging
import ServiceLifecycle
import Synchronization

/// This data center's clients of the others, as a `Service`: the node's turn hands it what to
/// send and goes on at once. Sends are fire-and-forget: consensus survives lost messages (status
/// exchange retransmits, view changes, state transfer), so a slow or dead peer must never hold up
/// the node, and each send runs in a child task of its own. Nor may one make this process hold
/// what it cannot take: what is outstanding to each peer is bounded (`DeliveryWindow`, 64
/// deliveries or 4 MiB; past that a delivery to it is dropped), and a delivery it does not answer
/// within `deliveryDeadline` resets its link, which drops whatever the link still queues for it.
///
/// Links are made on first use, by endpoint, and dropped when a membership change leaves a data
/// center out. A removed data center's hand-over of waiting transactions runs here too.
final class PeerLinks: Service, Sendable {
    private enum Command: Sendable {
        case deliver([SignedMessage], from: Int, to: [String])
        case retain(Set<String>)
        case handOver(HandOver)
        /// A delivery on this link timed out: the link is closed (what is queued in it is dropped).
        case reset(String, ObjectIdentifier)
    }

    private let commands: AsyncStream<Command>
    private let command: AsyncStream<Command>.Continuation
    private let maxMessageBytes: Int64
    private let logger: Logger
    /// Deliveries sent and not yet answered, per peer endpoint (`DeliveryWindow`: past its bounds a
    /// delivery to that peer is dropped), and the most bytes outstanding to one peer since the
    /// last `footprint`.
    private let windows = Mutex<(byPeer: [String: DeliveryWindow], peakBytes: Int)>(([:], 0))
    /// Deliveries that got no answer in time (each resets its link), and deliveries dropped, since start.
    private let timedOut = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    /// How long one delivery may take before it counts as lost.
    static let deliveryDeadline: Duration = .seconds(2)

    init(maxMessageBytes: Int64, logger: Logger) {
        (commands, command) = AsyncStream.makeStream(of: Command.self)
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
    }

    /// One turn's messages: the broadcasts go to every other seat in one delivery, encoded once;
    /// messages to one peer follow in a delivery of their own. (Order between the two does not
    /// matter to the core: the network may reorder anyway.)
    func send(broadcasts: [SignedMessage], direct: [Int: [SignedMessage]], seating: Seating) {
        guard let own = seating.index else { return }
        if !broadcasts.isEmpty {
            let others = seating.seats.indices.filter { $0 != own }.map { seating.seats[$0].endpoint }
            command.yield(.deliver(broadcasts, from: own, to: others))
        }
        for (peer, messages) in direct.sorted(by: { $0.key < $1.key }) where !messages.isEmpty && peer != own && seating.seats.indices.contains(peer) {
            command.yield(.deliver(messages, from: own, to: [seating.seats[peer].endpoint]))
        }
    }

    /// After a membership change: links to data centers outside `seating` are closed.
    func retain(_ seating: Seating) {
        command.yield(.retain(Set(seating.seats.enumerated().filter { $0.offset != seating.index }.map(\.element.endpoint))))
    }

    func handOver(_ handOver: HandOver) {
        command.yield(.handOver(handOver))
    }

    /// Deliveries outstanding, all peers together, and the largest number to one peer, with their
    /// bytes (the peak since the last call), and the counts of timed-out and dropped deliveries.
    var footprint: (calls: Int, bytes: Int, worstPeerCalls: Int, worstPeerBytes: Int, timedOut: Int, dropped: Int) {
        let (calls, bytes, worstCalls, worstBytes) = windows.withLock { windows in
            defer { windows.peakBytes = windows.byPeer.values.map(\.bytes).max() ?? 0 }
            let totals = windows.byPeer.values.reduce((0, 0, 0)) { ($0.0 + $1.deliveries, $0.1 + $1.bytes, max($0.2, $1.deliveries)) }
            return (totals.0, totals.1, totals.2, windows.peakBytes)
        }
        return (calls, bytes, worstCalls, worstBytes, timedOut.load(ordering: .relaxed), dropped.load(ordering: .relaxed))
    }

    /// Counts a delivery to `endpoint` as outstanding, or says it must be dropped.
    private func admit(_ size: Int, to endpoint: String) -> Bool {
        windows.withLock { windows in
            guard windows.byPeer[endpoint, default: DeliveryWindow()].admit(bytes: size) else { return false }
            windows.peakBytes = max(windows.peakBytes, windows.byPeer[endpoint]?.bytes ?? 0)
            return true
        }
    }

    private func settle(_ size: Int, to endpoint: String) {
        windows.withLock { $0.byPeer[endpoint]?.settle(bytes: size) }
    }

    func run() async throws {
        var clients: [String: RPCClient] = [:]
        defer { for client in clients.values { client.close() } }
        try await withThrowingDiscardingTaskGroup { group in
            for await command in commands.cancelOnGracefulShutdown() {
                switch command {
                case let .deliver(messages, own, endpoints):
                    let body: Data
                    do {
                        body = try RPCClient.encode(PeerDelivery(from: own, messages: messages))
                    } catch {
                        logger.error("cannot encode a delivery", metadata: ["error": "\(error)"])
                        continue
                    }
                    for endpoint in endpoints {
                        guard admit(body.count, to: endpoint) else {
                            dropped.add(1, ordering: .relaxed)
                            continue
                        }
                        // A link that cannot be made (no socket) is a fault of this process, not of the peer.
                        let client: RPCClient
                        do {
                            client = try clients[endpoint] ?? RPCClient(endpoint: endpoint, maxMessageBytes: maxMessageBytes)
                        } catch {
                            settle(body.count, to: endpoint)
                            throw error
                        }
                        clients[endpoint] = client
                        group.addTask { [logger, self] in
                            defer { settle(body.count, to: endpoint) }
                            do {
                                _ = try await client.call(LedgerAPI.deliver, encodedBody: body, deadline: Self.deliveryDeadline)
                            } catch let error as RPCError where error.code == .deadlineExceeded {
                                // No answer in time: the peer is stopped, slow or cut off, and what this link still
                                // queues for it would reach it late, all at once. Dropped with the link, as lost messages.
                                timedOut.add(1, ordering: .relaxed)
                                self.command.yield(.reset(endpoint, ObjectIdentifier(client)))
                            } catch {
                                logger.debug("delivery to a data center failed", metadata: ["ledger.peer": "\(endpoint)", "error": "\(error)"])
                            }
                        }
                    }
                case .retain(let endpoints):
                    for (endpoint, client) in clients where !endpoints.contains(endpoint) {
                        client.close()
                        clients[endpoint] = nil
                    }
                case let .reset(endpoint, link):
                    guard let client = clients[endpoint], ObjectIdentifier(client) == link else { break }
                    logger.debug("a data center did not answer a delivery in time; its link is reset", metadata: ["ledger.peer": "\(endpoint)"])
                    client.close()
                    clients[endpoint] = nil
                case .handOver(let handOver):
                    group.addTask { [maxMessageBytes, logger] in
                        await Self.handOver(handOver, maxMessageBytes: maxMessageBytes, logger: logger)
                    }
                }
            }
            // Shutting down: what is still in flight is abandoned, as a lost message would be.
            group.cancelAll()
        }
    }

    /// Submits the transactions to the first data center that takes them all.
    private static func handOver(_ handOver: HandOver, maxMessageBytes: Int64, logger: Logger) async {
        for endpoint in handOver.endpoints {
            guard !Task.isCancelled, let client = try? RPCClient(endpoint: endpoint, maxMessageBytes: maxMessageBytes) else { continue }
            defer { client.close() }
            var handed = 0
            for transaction in handOver.transactions {
                if (try? await client.call(LedgerAPI.submit, SubmitRequest(transaction: transaction), deadline: .seconds(5))) != nil { handed += 1 }
            }
            if handed == handOver.transactions.count { return }
            logger.warning("a data center took only part of the handed-over transactions", metadata: ["ledger.peer": "\(endpoint)"])
        }
    }
}
