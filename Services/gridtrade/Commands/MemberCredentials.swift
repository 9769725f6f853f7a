import ArgumentParser
import Auth
import Bus
import Credentials
import Foundation
import Messages

/// Where the registry is, and the key (and certificate) a command signs with.
struct RegistryOptions: ParsableArguments {
    @Option(help: "The registry's RPC endpoint (default: $GRIDTRADE_REGISTRY, else tcp://127.0.0.1:7101).")
    var registry: String?

    var endpoint: String { registry ?? ProcessInfo.processInfo.environment["GRIDTRADE_REGISTRY"] ?? "tcp://127.0.0.1:7101" }

    func client() throws -> RPCClient { try RPCClient(endpoint: endpoint) }
}

struct SigningOptions: ParsableArguments {
    @Option(help: "Your private key (PEM), from `gridtrade keygen`.")
    var key: String

    @Option(help: "Your certificate (PEM), from `gridtrade member show ID --cert-out FILE`.")
    var cert: String

    func signer() throws -> MemberSigner {
        let privateKey = try MemberKey.readPrivateKey(from: key)
        let certificate = try CertificatePEM.decode(String(contentsOfFile: cert, encoding: .utf8))
        return MemberSigner(memberID: MemberIDs.derive(privateKey.publicKey), privateKey: privateKey, certificate: certificate)
    }
}

/// Calls the registry and prints the reply as JSON; a refusal prints its code and reason and
/// exits 1.
@discardableResult
func printReply<Request, Response: Encodable>(
    _ options: RegistryOptions,
    _ method: Method<Request, Response>,
    _ request: Request,
    signer: (any RequestSigner)? = nil
) async throws -> Response {
    try await printReply(endpoint: options.endpoint, method, request, signer: signer)
}

/// The same against any service's endpoint.
@discardableResult
func printReply<Request, Response: Encodable>(
    endpoint: String,
    _ method: Method<Request, Response>,
    _ request: Request,
    signer: (any RequestSigner)? = nil,
    deadline: Duration = RPCClient.defaultDeadline
) async throws -> Response {
    let client = try RPCClient(endpoint: endpoint)
    defer { client.close() }
    let reply = try await call(client, method, request, signer: signer, deadline: deadline)
    try printJSON(reply)
    return reply
}
