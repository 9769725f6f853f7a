import Foundation

/// Adds the metadata that authenticates a request (a member's certificate and signature; see
/// docs/protocol.md, "Signed requests"). Given the exact body bytes the client sends.
public protocol RequestSigner: Sendable {
    func metadata(method: String, body: Data) throws -> [String: String]
}
