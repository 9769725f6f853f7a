import Auth
import Bus
import Credentials
import Foundation
import Logging
import Messages
import Storage
import Synchronization
import X509

/// What a service asks the registry: members, their plans and demands, the CA to trust, and
/// (through a `RevocationFeed`) who was revoked.
public final class RegistryLink: Sendable {
    public let client: RPCClient
    private let feed: RevocationFeed
    private let authenticator = Mutex<Authenticator?>(nil)
    private let authorityCertificate = Mutex<Certificate?>(nil)
    private let logger: Logger

    public init(rpc: String, events: String, logger: Logger) throws {
        client = try RPCClient(endpoint: rpc)
        feed = try RevocationFeed(rpc: client, events: events, logger: logger)
        self.logger = logger
    }

    /// Fetches the trading center's CA certificate, retrying until the registry answers.
    public func connect() async {
        while !Task.isCancelled {
            do {
                let pem = try await client.call(RegistryAPI.getAuthority, Empty(), deadline: .seconds(2)).certificate
                let authority = try CertificatePEM.decode(pem)
                let trusted = Authenticator(authority: authority, revocations: feed.revocations)
                authorityCertificate.withLock { $0 = authority }
                authenticator.withLock { $0 = trusted }
                logger.info("trusting the registry's CA")
                return
            } catch {
                logger.warning("registry not reachable yet; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Authenticates a signed request, checks the permission table and records its nonce.
    public func caller(_ context: RequestContext, recordingIn store: SQLiteStore) async throws -> Caller {
        guard let authenticator = authenticator.withLock({ $0 }) else {
            throw RPCError(.unavailable, "this service has not reached the registry yet; try again")
        }
        return try await authenticator.admit(context, recordingIn: store)
    }

    /// The member, or nil if the registry does not know it.
    public func member(_ id: String) async throws -> Member? {
        do {
            return try await ask { try await client.call(RegistryAPI.getMember, MemberQuery(memberId: id)) }
        } catch let error as RPCError where error.code == .notFound {
            return nil
        }
    }

    public func isRevoked(_ id: String) -> Bool { feed.revocations.isRevoked(id) }

    /// The trading center's CA certificate, once `connect` has fetched it.
    public var authority: Certificate? { authorityCertificate.withLock { $0 } }

    public func plan(_ member: String, _ month: String) async throws -> GenerationPlan? {
        try await ask { try await client.call(RegistryAPI.listPlans, PeriodQuery(period: month, memberId: member)).plans.first }
    }

    public func demand(_ member: String, _ month: String) async throws -> Demand? {
        try await ask { try await client.call(RegistryAPI.listDemands, PeriodQuery(period: month, memberId: member)).demands.first }
    }

    /// A registry that cannot be reached is said to be the registry, not matching itself.
    private func ask<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
            throw RPCError(.unavailable, "the registry is unavailable (\(error.message)); try again")
        }
    }
}
