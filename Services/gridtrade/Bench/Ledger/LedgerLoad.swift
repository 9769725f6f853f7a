import Bus
import Consensus
import Crypto
import Foundation
import Histogram
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
    static func run(endpoints: [String], transactions: [Transaction], clients: Int) async throws -> (committed: Int, failed: Int, seconds: Double, latencies: Histogram<UInt64>) {
        let connections = try (0..<clients).map { try RPCClient(endpoint: endpoints[$0 % endpoints.count]) }
        defer { connections.forEach { $0.close() } }
        let clock = ContinuousClock()
        let start = clock.now
        let shares = (0..<clients).map { client in stride(from: client, to: transactions.count, by: clients).map { transactions[$0] } }
        let outcomes = await withTaskGroup(of: (Int, Int, Histogram<UInt64>).self) { group in
            for (client, share) in shares.enumerated() {
                group.addTask {
                    var histogram = latencyHistogram()
                    var committed = 0, failed = 0
                    for transaction in share {
                        let sent = clock.now
                        do {
                            let reply = try await connections[client].call(LedgerAPI.submit, SubmitRequest(transaction: transaction, wait: true), deadline: .seconds(30))
                            if reply.committed {
                                committed += 1
                                _ = histogram.record(UInt64(max(1, (clock.now - sent).seconds * 1e6)))
                            } else {
                                failed += 1
                            }
                        } catch {
                            failed += 1
                        }
                    }
                    return (committed, failed, histogram)
                }
            }
            return await group.reduce(into: [(Int, Int, Histogram<UInt64>)]()) { $0.append($1) }
        }
        let seconds = (clock.now - start).seconds
        var latencies = latencyHistogram()
        for outcome in outcomes { latencies.add(outcome.2) }
        return (outcomes.reduce(0) { $0 + $1.0 }, outcomes.reduce(0) { $0 + $1.1 }, seconds, latencies)
    }
}
