import Bus
import Consensus
import Crypto
import Foundation
import LedgerKit

/// Clients submitting signed transactions to a ledger cluster, each waiting for its commit.
enum LedgerLoad {
    /// `count` transactions with 300-byte payloads, signed beforehand by a few client keys (signing is the client's cost, not the ledger's).
    static func transactions(_ count: Int) -> [Transaction] {
        let keys = (0..<8).map { _ in P256.Signing.PrivateKey() }
        return (0..<count).map { index in
            var payload = Data(count: 300)
            payload.withUnsafeMutableBytes { bytes in
                for offset in 0..<bytes.count { bytes[offset] = UInt8.random(in: 0...255) }
            }
            return P256TransactionVerifier.sign(payload: payload, with: keys[index % keys.count])
        }
    }

    /// Client c talks to node c mod n; every submission waits for its commit on that node.
    static func run(endpoints: [String], transactions: [Transaction], clients: Int) async throws -> LoadOutcome {
        let connections = try (0..<clients).map { try RPCClient(endpoint: endpoints[$0 % endpoints.count]) }
        defer { connections.forEach { $0.close() } }
        return await ClosedLoop.run(clients: clients, operations: transactions.count) { client, index in
            try await connections[client].call(LedgerAPI.submit, SubmitRequest(transaction: transactions[index], wait: true), deadline: .seconds(30)).committed
        }
    }
}
