import Auth
import Bus
import Credentials
import Foundation
import Logging
import Messages
import MatchingCore
import Storage
import Synchronization

/// What matching asks the registry: who is admitted, their plans and demands, the CA to trust,
/// and (through a `RevocationFeed`) who was revoked.
final class RegistryLink: Sendable {
    let client: RPCClient
    private let feed: RevocationFeed
    private let authenticator = Mutex<Authenticator?>(nil)
    private let logger: Logger

    init(rpc: String, events: String, logger: Logger) throws {
        client = try RPCClient(endpoint: rpc)
        feed = try RevocationFeed(rpc: client, events: events, logger: logger)
        self.logger = logger
    }

    /// Fetches the trading center's CA certificate, retrying until the registry answers.
    func connect() async {
        while !Task.isCancelled {
            do {
                let pem = try await client.call(RegistryAPI.getAuthority, Empty(), deadline: .seconds(2)).certificate
                let authority = try CertificatePEM.decode(pem)
                let trusted = Authenticator(authority: authority, revocations: feed.revocations)
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
    func caller(_ context: RequestContext, recordingIn store: SQLiteStore) async throws -> Caller {
        guard let authenticator = authenticator.withLock({ $0 }) else {
            throw RPCError(.unavailable, "matching has not reached the registry yet")
        }
        return try await authenticator.admit(context, recordingIn: store)
    }

    /// An admitted (approved) member of the given role.
    func admitted(_ id: String, as role: Role, field: String) async throws -> Member {
        let member: Member
        do {
            member = try await ask { try await client.call(RegistryAPI.getMember, MemberQuery(memberId: id)) }
        } catch let error as RPCError where error.code == .notFound {
            throw MatchingError.invalid(field: field, reason: "'\(id)' is not a member")
        }
        guard member.status == .approved, !feed.revocations.isRevoked(id) else {
            throw MatchingError.failedPrecondition("member \(id) is \(member.status.rawValue), not admitted")
        }
        guard member.role == role else { throw MatchingError.invalid(field: field, reason: "'\(id)' is a \(member.role.rawValue), not a \(role.rawValue)") }
        return member
    }

    func plan(_ member: String, _ month: String) async throws -> GenerationPlan? {
        try await ask { try await client.call(RegistryAPI.listPlans, PeriodQuery(period: month, memberId: member)).plans.first }
    }

    func demand(_ member: String, _ month: String) async throws -> Demand? {
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
