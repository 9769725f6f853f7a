import Bus
import Consensus
import Credentials
import Crypto
import Foundation
import LedgerKit

/// Clients submitting signed transactions to a ledger cluster, each waiting for its commit.
enum LedgerLoad {
    /// `count` notes of 300 bytes, signed beforehand (signing is the client's cost, not the
    /// ledger's): note i by member i mod `members.count`, so with one member per client each
    /// member has one transaction in flight at a time.
    static func transactions(_ count: Int, members: [MemberSigner]) throws -> [Transaction] {
        let run = UUID().uuidString.prefix(8)
        return try (0..<count).map { index in
            try BenchMembers.note("bench \(run) \(index)", bytes: 300, by: members[index % members.count])
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
