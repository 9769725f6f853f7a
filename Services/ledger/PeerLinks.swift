import Bus
import Consensus
import LedgerKit
import Logging

/// Clients of the other data centers. Sends are fire-and-forget: consensus survives lost
/// messages (status exchange retransmits, view changes, state transfer), so a slow or dead peer
/// must never hold up this node.
final class PeerLinks: Sendable {
    private let own: Int
    private let clients: [Int: RPCClient]
    private let logger: Logger

    init(peers: [String], own: Int, logger: Logger) throws {
        self.own = own
        var clients: [Int: RPCClient] = [:]
        for (index, endpoint) in peers.enumerated() where index != own { clients[index] = try RPCClient(endpoint: endpoint) }
        self.clients = clients
        self.logger = logger
    }

    /// One delivery per peer with everything addressed to it, in order.
    func send(_ outgoing: [Int: [SignedMessage]]) {
        for (peer, messages) in outgoing where !messages.isEmpty {
            guard let client = clients[peer] else { continue }
            let delivery = PeerDelivery(from: own, messages: messages)
            Task { [logger] in
                do {
                    _ = try await client.call(LedgerAPI.deliver, delivery, deadline: .seconds(2))
                } catch {
                    logger.debug("delivery to a data center failed", metadata: ["ledger.peer": "\(peer)", "error": "\(error)"])
                }
            }
        }
    }

    var peerIndices: [Int] { clients.keys.sorted() }

    func close() { clients.values.forEach { $0.close() } }
}
