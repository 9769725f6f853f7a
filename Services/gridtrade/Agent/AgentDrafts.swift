import Bus
import Contracts
import Credentials
import Foundation
import Logging
import Messages
import ServiceKit
import Synchronization
import X509

/// What a member's agent follows: the desk's drafts still waiting for its signature. Each is
/// opened with the member's key, judged by `PartyConsent` against what the member agreed to, and
/// with auto-sign signed exactly when the rule says so; without it, printed once for a person.
///
/// The desk's `awaiting` list is the cursor: a signed draft leaves it. The draft states already
/// judged (a refusal, a printed draft) are kept in memory, so each is judged once per change.
struct AgentDrafts: FollowerSource {
    let signer: MemberSigner
    let review: RPCClient
    let registry: RPCClient
    let gathering: ConsentGathering
    let autoSign: Bool
    let logger: Logger
    let judged = JudgedDrafts()
    let authority = AuthorityCache()

    static let page = 200

    func next() async throws -> [ContractDraftRecord] {
        var after: Int64 = 0
        // Page past drafts already judged, so a long list of refused ones never hides a new one.
        while true {
            let page = try await review.call(ReviewAPI.listDrafts, DraftListQuery(member: signer.member, awaiting: true, afterSeq: after, limit: Self.page)).drafts
            let fresh = page.filter { !judged.contains(DraftState($0)) }
            if !fresh.isEmpty { return fresh }
            guard page.count == Self.page, let last = page.last else { return [] }
            after = last.seq
        }
    }

    func handle(_ draft: ContractDraftRecord) async throws {
        let state = DraftState(draft)
        let (authority, role) = try await self.authority.get(from: registry, for: signer)
        let opened: (document: ContractDocument, terms: ContractTerms)
        do {
            opened = try PartyConsent.open(draft.contract, as: signer)
        } catch {
            judged.insert(state)
            return logger.warning("draft refused: its copy does not open", metadata: ["contract.id": "\(draft.contractId)", "reason": "\(error.message)"])
        }
        let facts = try await gathering.facts(for: opened.terms, draft: draft, member: signer.member, role: role, authority: authority)
        let decision = PartyConsent.decide(terms: opened.terms, document: opened.document, member: signer.member, role: role, facts: facts)
        guard autoSign else {
            judged.insert(state)
            return try PendingDraft(draft, terms: opened.terms, consent: decision).printLine()
        }
        switch decision {
        case .refuse(let reason):
            judged.insert(state)
            logger.warning("draft refused: not what this member agreed to", metadata: ["contract.id": "\(draft.contractId)", "reason": "\(reason)"])
        case .sign:
            let signature = try PartyConsent.signature(of: draft.contract, by: signer)
            do {
                let record = try await review.call(ReviewAPI.signDraft, SignDraftRequest(contractId: draft.contractId, signature: signature), signer: signer)
                logger.info(
                    "draft signed",
                    metadata: ["contract.id": "\(draft.contractId)", "draft.status": "\(record.status.rawValue)", "draft.awaiting": "\(record.awaiting.count)"]
                )
            } catch let error as RPCError where !error.isTransient {
                // The desk will not take it (the draft failed or moved on); the next listing says what is left.
                logger.warning("the desk did not take the signature", metadata: ["contract.id": "\(draft.contractId)", "error": "\(error)"])
            }
            judged.insert(state)
        }
    }
}

/// Draft states judged already (signed, refused or printed).
final class JudgedDrafts: Sendable {
    private let states = Mutex<Set<DraftState>>([])
    /// Past this the set starts again: a refusal is then logged once more.
    static let limit = 100_000

    func contains(_ state: DraftState) -> Bool { states.withLock { $0.contains(state) } }

    func insert(_ state: DraftState) {
        states.withLock {
            if $0.count >= Self.limit { $0.removeAll() }
            $0.insert(state)
        }
    }
}

/// The trading center's CA from the registry, fetched once, and this member's role as its
/// certificate says under that CA.
final class AuthorityCache: Sendable {
    private let value = Mutex<(Certificate, Role)?>(nil)

    func get(from registry: RPCClient, for signer: MemberSigner) async throws -> (Certificate, Role) {
        if let known = value.withLock({ $0 }) { return known }
        let pem = try await registry.call(RegistryAPI.getAuthority, Empty()).certificate
        let authority = try CertificatePEM.decode(pem)
        guard let certificate = signer.certificate else { throw AgentError.noCertificate(signer.member) }
        let identity: MemberIdentity
        do {
            identity = try CertificateCheck.verify(certificate, caCertificate: authority, now: Date())
        } catch {
            throw AgentError.certificateRefused(signer.member, "\(error)")
        }
        guard identity.memberID == signer.member else { throw AgentError.certificateRefused(signer.member, "it certifies \(identity.memberID)") }
        value.withLock { $0 = (authority, identity.role) }
        return (authority, identity.role)
    }
}

/// Why an agent cannot judge drafts yet.
enum AgentError: Error, CustomStringConvertible {
    case noCertificate(MemberID)
    case certificateRefused(MemberID, String)

    var description: String {
        switch self {
        case .noCertificate(let member): "\(member) has no certificate: the agent cannot sign"
        case let .certificateRefused(member, reason): "the certificate of \(member) is not one the trading center's CA issued to it: \(reason)"
        }
    }
}

/// A draft waiting for this member, as the agent without auto-sign prints it: one JSON line.
struct PendingDraft: Encodable {
    let contractId: String
    let seq: Int64
    let orderIds: [OrderID]
    let roundId: RoundID?
    let awaiting: [MemberID]
    let terms: ContractTerms
    /// "sign", or why the member's agent would refuse it.
    let consent: String

    init(_ draft: ContractDraftRecord, terms: ContractTerms, consent: ConsentDecision) {
        contractId = draft.contractId
        seq = draft.seq
        orderIds = draft.orderIds
        roundId = draft.roundId
        awaiting = draft.awaiting
        self.terms = terms
        switch consent {
        case .sign: self.consent = "sign"
        case .refuse(let reason): self.consent = "refuse: \(reason)"
        }
    }

    func printLine() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(self), as: UTF8.self))
    }

    enum CodingKeys: String, CodingKey {
        case seq, awaiting, terms, consent
        case contractId = "contract_id"
        case orderIds = "order_ids"
        case roundId = "round_id"
    }
}

extension RPCError {
    /// Worth retrying: the service was away, slow or not yet upgraded, not against the request.
    var isTransient: Bool { [.unavailable, .deadlineExceeded, .resourceExhausted, .aborted, .internal, .unknown, .unimplemented].contains(code) }
}
