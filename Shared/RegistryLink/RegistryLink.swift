import Auth
import Bus
import Credentials
import Foundation
import Logging
import Messages
import ServiceKit
import ServiceLifecycle
import Storage
import Synchronization
import X509

/// What a service asks the registry: members, their plans and demands, the CA to trust, and
/// (through a `RevocationFeed`) who was revoked. It is a `Service` of the process's group: `run`
/// fetches the CA, then follows revocations until shutdown.
public final class RegistryLink: Service, Sendable {
    public let client: RPCClient
    private let feed: RevocationFeed
    private let revocationEvents: EventSubscriber
    private let authenticator = Mutex<Authenticator?>(nil)
    private let authorityCertificate = Mutex<Certificate?>(nil)
    private let logger: Logger

    public init(rpc: String, events: String, logger: Logger) throws {
        client = try RPCClient(endpoint: rpc)
        feed = RevocationFeed(client: client)
        revocationEvents = try EventSubscriber(endpoint: events, rpc: client)
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.connect() }
        try await feed.follower(events: revocationEvents, logger: logger).run()
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
                if Task.isCancelled { return }
                logger.warning("registry not reachable yet; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Authenticates a signed request, checks the permission table and records its nonce.
    public func caller(_ context: RequestContext, recordingIn store: SQLiteStore) async throws -> Caller {
        guard let authenticator = authenticator.withLock({ $0 }) else { throw RegistryLinkError.notConnected }
        return try await authenticator.admit(context, recordingIn: store)
    }

    /// The member, or nil if the registry does not know it.
    public func member(_ id: MemberID) async throws -> Member? {
        do {
            return try await ask { try await client.call(RegistryAPI.getMember, MemberQuery(memberId: id)) }
        } catch let error as RPCError where error.code == .notFound {
            return nil
        }
    }

    public func isRevoked(_ id: MemberID) -> Bool { feed.revocations.isRevoked(id) }

    /// For the ledger side, which holds member ids as strings (its contracts' parties).
    @_disfavoredOverload
    public func member(_ id: String) async throws -> Member? { try await member(MemberID(id)) }

    @_disfavoredOverload
    public func isRevoked(_ id: String) -> Bool { isRevoked(MemberID(id)) }

    /// The trading center's CA certificate, once `connect` has fetched it.
    public var authority: Certificate? { authorityCertificate.withLock { $0 } }

    public func plan(_ member: MemberID, _ month: DeliveryMonth) async throws -> GenerationPlan? {
        try await ask { try await client.call(RegistryAPI.listPlans, MonthQuery(month: month, memberId: member)).plans.first }
    }

    public func demand(_ member: MemberID, _ month: DeliveryMonth) async throws -> Demand? {
        try await ask { try await client.call(RegistryAPI.listDemands, MonthQuery(month: month, memberId: member)).demands.first }
    }

    /// A registry that cannot be reached is said to be the registry, not matching itself.
    private func ask<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
            throw RegistryLinkError.unreachable(error.message)
        }
    }
}

/// Why a service could not get what it needed from the registry: always worth a retry.
public enum RegistryLinkError: Error, Equatable, StatusConvertible {
    /// The CA has not been fetched yet, so no signed request can be checked.
    case notConnected
    case unreachable(String)

    public var status: Status {
        switch self {
        case .notConnected: Status(code: .unavailable, message: "this service has not reached the registry yet; try again")
        case let .unreachable(detail): Status(code: .unavailable, message: "the registry is unavailable (\(detail)); try again")
        }
    }
}
