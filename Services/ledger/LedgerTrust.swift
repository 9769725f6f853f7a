import Auth
import Bus
import Contracts
import Credentials
import Crypto
import Foundation
import Logging
import Messages
import RegistryLink
import ServiceKit
import Synchronization

/// What a data center takes from the registry: the trading center's CA (to check contract
/// signatures before ordering) and the revocations. It also registers the data center as a
/// member (role data_center) with its consensus key, so that extension nodes find its key in the
/// registry once the trading center approves it.
final class LedgerTrust: Sendable {
    let registry: RegistryLink
    private let cache = Mutex<CertificateCache?>(nil)
    private let key: P256.Signing.PrivateKey
    private let logger: Logger

    init(settings: ServiceSettings, key: P256.Signing.PrivateKey, logger: Logger) throws {
        registry = try RegistryLink(settings: settings, logger: logger)
        self.key = key
        self.logger = logger
    }

    var certificates: CertificateCache? { cache.withLock { $0 } }

    func isRevoked(_ member: String) -> Bool { registry.isRevoked(member) }

    /// Runs until cancelled: fetch the CA, then register once if the registry does not know this data center.
    func run(instance: String) async {
        await registry.connect()
        if let authority = registry.authority { cache.withLock { $0 = CertificateCache(authority: authority) } }
        let id = MemberIDs.derive(key.publicKey)
        while !Task.isCancelled {
            do {
                if try await registry.member(id) == nil {
                    let request = RegisterRequest(role: .dataCenter, legalName: "Data center \(instance)", licence: "DC-\(id)", contact: instance)
                    _ = try await registry.client.call(RegistryAPI.register, request, signer: MemberSigner(memberID: id, privateKey: key, certificate: nil))
                    logger.notice("registered this data center with the registry; the trading center approves it", metadata: ["member.id": "\(id)"])
                }
                return
            } catch {
                logger.warning("cannot register this data center with the registry yet; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }
}
