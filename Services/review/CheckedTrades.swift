import Bus
import Contracts
import Credentials
import Foundation
import Logging
import Messages
import RegistryLink
import ReviewCore
import ServiceKit
import Storage
import X509

/// The contract desk's first step, as a `FollowerSource` over dispatch's security checks
/// (`Dispatch/ListResults` after the desk's durable cursor, woken by `TradeChecked`). Each check
/// that is the dispatch center's word is kept and moves its order to `checked` (or fails it);
/// then `TradeDrafting` says whether the trade can be drafted. A bilateral order is drafted at
/// once; a round's single contract once all of its coalition's orders are in. The draft, its
/// orders' stages and the cursor are stored in one transaction, then announced.
struct CheckedTrades: FollowerSource {
    static let cursorName = "dispatch-results"
    static let page = 100

    let store: SQLiteStore
    let registry: RegistryLink
    let identity: ServiceIdentity
    let dispatch: RPCClient
    let matching: RPCClient
    /// `review.grid_company`; when empty, the most recently registered approved grid company.
    let gridCompany: MemberID?
    let events: EventPublisher
    let logger: Logger

    func next() async throws -> [SignedSecurityCheck] {
        guard identity.current != nil, registry.authority != nil else { return [] }
        let cursor = try await store.read { try DeskStore.cursor(Self.cursorName, $0) }
        return try await dispatch.call(DispatchAPI.listResults, CheckListQuery(afterSeq: cursor, limit: Self.page)).results
    }

    func handle(_ checked: SignedSecurityCheck) async throws {
        guard let drafter = identity.current, let authority = registry.authority else { throw ReviewError.notReady }
        let now = Date()
        do {
            _ = try StatementSignature.verify(
                checked.statement, as: SecurityCheckResult.self, kind: .securityCheck, role: .dispatchCenter, authority: authority,
                now: Date(unixMilliseconds: checked.result.checkedAtMs)
            )
        } catch {
            logger.error("security check refused: not the dispatch center's word", metadata: ["dispatch.seq": "\(checked.seq)", "error": "\(error)"])
            return try await store.change { db in try DeskStore.advance(Self.cursorName, to: checked.seq, db) }
        }
        let orderId = checked.result.order
        let review = try await store.read { try ReviewStore.decision(orderId, $0) }
        let roundId = review?.decision.order.roundId
        // A round's contract carries every order of its coalition.
        let round = try await roundId.asyncMap { try await matching.call(MatchingAPI.getRound, RoundQuery(roundId: $0)) }
        let orderIds = round?.outcome?.orderIds ?? [orderId]
        let parts = try await store.read { db in
            try orderIds.map { id in
                TradePart(
                    orderId: id, review: try ReviewStore.decision(id, db), check: id == orderId ? checked : try DeskStore.check(id, db)
                )
            }
        }
        let step = TradeDrafting.step(parts, coalition: round != nil)
        let contract: SignedContract? = step == .draft ? try await draft(parts, round: round, drafter: drafter, authority: authority, now: now) : nil

        let nowMs = now.unixMilliseconds
        let (moves, record) = try await store.change { db -> ([TradeProgress], ContractDraftRecord?) in
            try DeskStore.keep(checked, db)
            try DeskStore.advance(Self.cursorName, to: checked.seq, db)
            var moves: [TradeProgress] = []
            let own = checked.result.status == .rejected || !(checked.result.acceptedMwh > 0)
            moves += try [DeskStore.move(orderId, roundId: roundId, to: .checked, failure: own ? "refused on the network: \(checked.result.reason ?? "no energy can be carried")" : nil, nowMs: nowMs, db)].compactMap { $0 }
            switch step {
            case .wait:
                return (moves, nil)
            case .fail(let reason):
                // The other orders of a round fail at drafting: their own checks were fine.
                for part in parts where part.orderId != orderId {
                    if let move = try DeskStore.move(part.orderId, roundId: roundId, to: .drafted, failure: reason, nowMs: nowMs, db) { moves.append(move) }
                }
                return (moves, nil)
            case .draft:
                guard let contract else { return (moves, nil) }
                let contractId = ContractDocument.contractID(order: (roundId?.rawValue ?? orderId.rawValue))
                // Drafted already (a replayed check): keep the first draft, whose signatures count.
                if try DeskStore.draft(contractId, db) != nil { return (moves, nil) }
                let record = try DeskStore.put(
                    ContractDraftRecord(
                        seq: 0, contractId: contractId, orderIds: orderIds, roundId: roundId, contract: contract,
                        awaiting: DraftSignatures.awaiting(contract), status: .signing, updatedAtMs: nowMs
                    ), db
                )
                for id in orderIds {
                    if let move = try DeskStore.move(id, roundId: roundId, to: .drafted, contractId: contractId, nowMs: nowMs, db) { moves.append(move) }
                }
                return (moves, record)
            }
        }
        for move in moves { events.publishQuietly(ReviewAPI.tradeStageChanged, move, logger: logger) }
        if let record {
            events.publishQuietly(ReviewAPI.draftUpdated, record, logger: logger)
            logger.info("contract drafted", metadata: ["contract.id": "\(record.contractId)", "contract.awaiting": "\(record.awaiting.count)"])
        }
    }

    /// The contract, sealed to every party and signed by the trading center.
    private func draft(
        _ parts: [TradePart], round: Round?, drafter: MemberSigner, authority: Certificate, now: Date
    ) async throws -> SignedContract {
        let complete = parts.compactMap { part in part.review.flatMap { review in part.check.map { (review: review, check: $0) } } }
        guard let first = complete.first else { throw ReviewError.notReady }
        let grid = try await chosenGridCompany()
        let terms: ContractTerms
        if let round {
            terms = .coalition(round: round, parts: complete, gridCompany: grid, salt: ContractDraft.salt())
        } else {
            terms = ContractTerms.of(
                decision: first.review.decision, check: first.check.result, gridCompany: grid,
                reviewPayload: Data(base64Encoded: first.review.statement.payload) ?? Data(),
                checkPayload: Data(base64Encoded: first.check.statement.payload) ?? Data(), salt: ContractDraft.salt()
            )
        }
        let order = first.review.decision.order
        let parties = TradeDrafting.parties(
            buyer: order.buyer, sellers: complete.map(\.review.decision.order.seller), gridCompany: grid, tradingCenter: drafter.member,
            dispatchCenter: first.check.result.checker
        )
        var members: [MemberID: Member] = [:]
        for party in parties where party.member != drafter.memberID {
            members[MemberID(party.member)] = try await registry.member(MemberID(party.member))
        }
        let revoked = Set(parties.map { MemberID($0.member) }.filter(registry.isRevoked))
        return try ContractDrafting.seal(terms, parties: parties, drafter: drafter, authority: authority, members: members, revoked: revoked, now: now)
    }

    private func chosenGridCompany() async throws -> MemberID {
        if let gridCompany { return gridCompany }
        let members = try await registry.client.call(RegistryAPI.listMembers, MemberListQuery(role: .gridCompany, status: .approved)).members
        guard let newest = members.max(by: { ($0.registeredAtMs, $0.id) < ($1.registeredAtMs, $1.id) }) else { throw ReviewError.noGridCompany }
        return newest.id
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension EventPublisher {
    /// Publishes after the change is stored; a failure is only logged, since subscribers catch up
    /// with `Events/Since` or the list queries.
    func publishQuietly<P: Codable & Sendable>(_ topic: EventTopic<P>, _ payload: P, logger: Logger) {
        do {
            try publish(topic, payload)
        } catch {
            logger.warning("event not published", metadata: ["event.topic": "\(topic.name)", "error": "\(error)"])
        }
    }
}
