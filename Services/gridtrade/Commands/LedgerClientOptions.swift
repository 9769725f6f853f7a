import ArgumentParser
import Bus
import Consensus
import Credentials
import Crypto
import Foundation
import LedgerKit
import LedgerRules

/// The data center a member's client (an extension node) attaches to.
struct LedgerOptions: ParsableArguments {
    @Option(help: "The data center's RPC endpoint (default: $GRIDTRADE_LEDGER, else tcp://127.0.0.1:7201).")
    var ledger: String?

    var endpoint: String { ledger ?? ProcessInfo.processInfo.environment["GRIDTRADE_LEDGER"] ?? "tcp://127.0.0.1:7201" }

    /// Replies carry contracts and blocks: allow the ledger's message size.
    func client() throws -> RPCClient { try RPCClient(endpoint: endpoint, maxMessageBytes: 32 << 20) }
}

/// Calls `method`; a refusal prints its code and reason and exits 1.
func call<Request, Response>(
    _ client: RPCClient, _ method: Method<Request, Response>, _ request: Request, signer: (any RequestSigner)? = nil, deadline: Duration = .seconds(30)
) async throws -> Response {
    do {
        return try await client.call(method, request, deadline: deadline, signer: signer)
    } catch let error as RPCError {
        printError("\(method.name): \(error)")
        throw ExitCode(1)
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Signs `entry` as a ledger transaction with `key` and submits it, waiting for its commit.
func submit(_ entry: LedgerEntry, key: P256.Signing.PrivateKey, to options: LedgerOptions) async throws -> SubmitOutcomeLine {
    let transaction = P256TransactionVerifier.sign(payload: entry.encoded(), with: key)
    let client = try options.client()
    defer { client.close() }
    let reply = try await call(client, LedgerAPI.submit, SubmitRequest(transaction: transaction, wait: true), deadline: .seconds(60))
    return SubmitOutcomeLine(transactionId: reply.transactionId, height: reply.height, index: reply.index)
}

struct SubmitOutcomeLine: Encodable {
    let transactionId: String
    let height: UInt64?
    let index: Int?

    enum CodingKeys: String, CodingKey {
        case height, index
        case transactionId = "transaction_id"
    }
}
