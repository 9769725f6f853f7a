import Bus
import Contracts
import Foundation
import Logging
import Messages
import RegistryLink
import ReviewCore
import ServiceKit
import Storage

/// The desk's request side: a party returns its signature (`Review/SignDraft`), and anyone reads
/// drafts and trade stages. A signature is taken by `DraftSignatures` inside the transaction that
/// stores it, so two parties signing at once both count; the last one moves the draft on to
/// `submitting`, where `DraftSubmitter` picks it up.
struct DraftDesk {
    let store: SQLiteStore
    let registry: RegistryLink
    let events: EventPublisher
    /// Rung when a draft has every signature, for `DraftSubmitter`.
    let signed: FollowerBell
    let logger: Logger

    func register(on server: RPCServer) {
        server.register(ReviewAPI.signDraft) { request, context in try await sign(request, context) }
        server.register(ReviewAPI.getDraft) { [store] query, _ in
            guard let record = try await store.read({ try DeskStore.draft(query.contractId, $0) }) else {
                throw ContractDeskError.noDraft(contractId: query.contractId)
            }
            return record
        }
        server.register(ReviewAPI.listDrafts) { [store] query, _ in DraftList(drafts: try await store.read { try DeskStore.drafts(query, $0) }) }
        server.register(ReviewAPI.getTrade) { [store] query, _ in
            guard let trade = try await store.read({ try DeskStore.trade(query.orderId, $0) }) else { throw ReviewError.noTrade(orderID: query.orderId) }
            return trade
        }
        server.register(ReviewAPI.listTrades) { [store] query, _ in TradeList(trades: try await store.read { try DeskStore.trades(query, $0) }) }
    }

    private func sign(_ request: SignDraftRequest, _ context: RequestContext) async throws -> ContractDraftRecord {
        let caller = try await registry.caller(context, recordingIn: store)
        guard let authority = registry.authority else { throw ReviewError.notReady }
        let now = Date()
        let (record, moves, changed) = try await store.change { db -> (ContractDraftRecord, [TradeProgress], Bool) in
            guard let record = try DeskStore.draft(request.contractId, db) else { throw ContractDeskError.noDraft(contractId: request.contractId) }
            switch try DraftSignatures.add(request.signature, from: caller.memberID, to: record, authority: authority, now: now) {
            case .unchanged:
                return (record, [], false)
            case let .added(contract, awaiting):
                var next = record
                next.contract = contract
                next.awaiting = awaiting
                next.updatedAtMs = now.unixMilliseconds
                var moves: [TradeProgress] = []
                if awaiting.isEmpty {
                    next.status = .submitting
                    for id in record.orderIds {
                        if let move = try DeskStore.move(id, roundId: record.roundId, to: .signed, nowMs: now.unixMilliseconds, db) { moves.append(move) }
                    }
                }
                return (try DeskStore.put(next, db), moves, true)
            }
        }
        if changed {
            if record.status == .submitting { signed.ring() }
            events.publishQuietly(ReviewAPI.draftUpdated, record, logger: logger)
            for move in moves { events.publishQuietly(ReviewAPI.tradeStageChanged, move, logger: logger) }
            logger.info("contract signed", metadata: ["contract.id": "\(record.contractId)", "contract.signer": "\(caller.memberID)", "contract.awaiting": "\(record.awaiting.count)"])
        }
        return record
    }
}
