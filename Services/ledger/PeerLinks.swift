import Bus
import Foundation
import Consensus
import LedgerKit
import LedgerRules
import Logging

/// Clients of the other data centers. Sends are fire-and-forget: consensus survives lost
/// messages (status exchange retransmits, view changes, state transfer), so a slow or dead peer
/// must never hold up this node.
final class PeerLinks: Sendable {
    private let own: Int
    private let clients: [Int: RPCClient]
    private let logger: Logger

    /// Links to every seat but `own` (nil: this node holds none, so it sends nothing).
    init(seats: [DataCenterSeat], own: Int?, maxMessageBytes: Int64, logger: Logger) throws {
        self.own = own ?? -1
        var clients: [Int: RPCClient] = [:]
        if let own {
            for (index, seat) in seats.enumerated() where index != own {
                clients[index] = try RPCClient(endpoint: seat.endpoint, maxMessageBytes: maxMessageBytes)
            }
        }
        self.clients = clients
        self.logger = logger
    }

    /// The turn's broadcasts go to every peer in one delivery, encoded once; messages to one peer
    /// follow in a delivery of their own. (Order between the two does not matter to the core:
    /// the network may reorder anyway.)
    func send(broadcasts: [SignedMessage], direct: [Int: [SignedMessage]]) {
        if !broadcasts.isEmpty, let body = encode(broadcasts) {
            for peer in clients.keys { deliver(body, to: peer) }
        }
        for (peer, messages) in direct where !messages.isEmpty {
            if let body = encode(messages) { deliver(body, to: peer) }
        }
    }

    private func encode(_ messages: [SignedMessage]) -> Data? {
        do {
            return try RPCClient.encode(PeerDelivery(from: own, messages: messages))
        } catch {
            logger.error("cannot encode a delivery", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func deliver(_ body: Data, to peer: Int) {
        guard let client = clients[peer] else { return }
        Task { [logger] in
            do {
                _ = try await client.call(LedgerAPI.deliver, encodedBody: body, deadline: .seconds(2))
            } catch {
                logger.debug("delivery to a data center failed", metadata: ["ledger.peer": "\(peer)", "error": "\(error)"])
            }
        }
    }
}
