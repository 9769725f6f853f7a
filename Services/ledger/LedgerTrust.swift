import Auth
import Bus
import Contracts
import Credentials
import Crypto
import Foundation
import Logging
import Messages
import RegistryLink
import ServiceLifecycle
import Synchronization

/// What a data center takes from the registry: the trading center's CA (to check contract and
/// note certificates before ordering), kept by `RegistryLink`, which runs as a service of its
/// own, and the revocation list, which the data center carries onto the chain by vote
/// (`RevocationRelayLoop`): its own view of the registry never decides a transaction.
final class LedgerTrust: Sendable {
    let registry: RegistryLink
    private let cache = Mutex<CertificateCache?>(nil)

    init(registry: RegistryLink) { self.registry = registry }

    /// The CA's certificate cache, once the registry has given the CA (nil before: contracts wait).
    var certificates: CertificateCache? {
        cache.withLock { cache in
            if cache == nil, let authority = registry.authority { cache = CertificateCache(authority: authority) }
            return cache
        }
    }

    /// The members the registry lists as revoked, asked now.
    func revokedMembers() async throws -> Set<String> {
        Set(try await registry.client.call(RegistryAPI.listRevocations, Empty(), deadline: .seconds(5)).revocations.map(\.memberId.rawValue))
    }
}

/// Registers the data center as a member (role data_center) with its consensus key, once, if the
/// registry does not know it, so that extension nodes find its key in the registry once the
/// trading center approves it. A `Service`: it retries until the registry answers, then waits for
/// shutdown (a service that returned would stop the group).
struct DataCenterRegistration: Service {
    let registry: RegistryLink
    let key: P256.Signing.PrivateKey
    let instance: String
    let logger: Logger

    func run() async throws {
        try await untilGracefulShutdown { [self] in
            let id = MemberIDs.derive(key.publicKey)
            while true {
                do {
                    if try await registry.member(id) == nil {
                        let request = RegisterRequest(role: .dataCenter, legalName: "Data center \(instance)", licence: "DC-\(id)", contact: instance)
                        _ = try await registry.client.call(RegistryAPI.register, request, signer: MemberSigner(memberID: id, privateKey: key, certificate: nil))
                        logger.notice("registered this data center with the registry; the trading center approves it", metadata: ["member.id": "\(id)"])
                    }
                    return
                } catch {
                    try Task.checkCancellation()
                    logger.warning("cannot register this data center with the registry yet; retrying", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: .seconds(2))
                }
            }
        }
        try? await gracefulShutdown()
    }
}
