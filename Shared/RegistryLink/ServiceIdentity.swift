import Auth
import Credentials
import Crypto
import Foundation
import Logging
import Messages
import ServiceLifecycle
import Synchronization

/// The member a service signs as (the review service as the trading center, dispatch as the
/// dispatch center): its private key from a file, its certificate from the registry once the
/// member is approved. Until then the service cannot sign and says so.
public final class ServiceIdentity: Sendable {
    public let memberID: MemberID
    public let role: Role
    private let privateKey: P256.Signing.PrivateKey
    private let signer = Mutex<MemberSigner?>(nil)

    /// Reads the key, or makes one there if the file does not exist (a fresh data center, say):
    /// the operator then admits the member id it logs.
    public init(keyPath: String, role: Role, logger: Logger) throws {
        let privateKey: P256.Signing.PrivateKey
        if FileManager.default.fileExists(atPath: keyPath) {
            privateKey = try MemberKey.readPrivateKey(from: keyPath)
        } else {
            privateKey = MemberKey.generate()
            try MemberKey.write(privateKey: privateKey, to: keyPath)
            logger.notice(
                "made a new signing key; admit its member as a \(role.rawValue) to let this service sign",
                metadata: ["member.id": "\(MemberIDs.derive(privateKey.publicKey))", "key.path": "\(keyPath)"]
            )
        }
        self.privateKey = privateKey
        memberID = MemberID(publicKey: privateKey.publicKey)
        self.role = role
    }

    /// The signer, once the registry has given the member a certificate.
    public var current: MemberSigner? { signer.withLock { $0 } }

    /// Asks the registry for the member's certificate until it is approved in the expected role.
    public func acquire(from registry: RegistryLink, logger: Logger) async {
        var warned = false
        while !Task.isCancelled {
            do {
                if let member = try await registry.member(memberID), member.role == role, member.status == .approved,
                   let pem = member.certificate {
                    let certificate = try CertificatePEM.decode(pem)
                    signer.withLock { $0 = MemberSigner(member: memberID, privateKey: privateKey, certificate: certificate) }
                    logger.notice("signing as an admitted member", metadata: ["member.id": "\(memberID)", "member.role": "\(role.rawValue)"])
                    return
                }
                if !warned {
                    logger.warning(
                        "the signing key's member is not an admitted \(role.rawValue) yet; waiting",
                        metadata: ["member.id": "\(memberID)"]
                    )
                    warned = true
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("registry not reachable for the service's certificate; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

/// Acquiring the identity as a `Service` of the process's group: it asks the registry until the
/// member is admitted, then waits for shutdown (a service that returned would stop the group).
public struct IdentityAcquisition: Service {
    let identity: ServiceIdentity
    let registry: RegistryLink
    let logger: Logger

    public init(_ identity: ServiceIdentity, from registry: RegistryLink, logger: Logger) {
        self.identity = identity
        self.registry = registry
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await identity.acquire(from: registry, logger: logger) }
        try? await gracefulShutdown()
    }
}
