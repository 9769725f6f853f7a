import Bus
import Consensus
import Contracts
import Foundation
import LedgerKit
import LedgerRules
import Logging
import Messages
import RegistryLink
import ReviewCore
import ServiceKit
import Storage

/// The desk's last step but one, as a `FollowerSource` over its own drafts that every party has
/// signed: each is handed to a data center (`Ledger/Submit`, not waiting for the commit, so many
/// are in flight at once), signed as a transaction with the trading center's key; its
/// transaction id is kept. `CommittedContracts` marks it committed when the ledger records it.
/// One not recorded `resubmitAfter` later (the data center lost it) is handed over again. A
/// contract is recorded at most once whatever happens: the ledger refuses a second contract with
/// the same id (`LedgerSubmission`), and that answer marks the draft committed where the first is.
struct DraftSubmitter: FollowerSource {
    let store: SQLiteStore
    let identity: ServiceIdentity
    let ledger: RPCClient
    let resubmitAfter: Duration
    let events: EventPublisher
    let logger: Logger

    func next() async throws -> [ContractDraftRecord] {
        guard identity.current != nil else { return [] }
        let due = Date().unixMilliseconds - Int64(resubmitAfter.components.seconds * 1_000)
        return try await store.read { try DeskStore.drafts(DraftListQuery(status: .submitting, limit: 200), $0) }
            .filter { $0.transactionId == nil || $0.updatedAtMs <= due }
    }

    func handle(_ record: ContractDraftRecord) async throws {
        guard let signer = identity.current else { throw ReviewError.notReady }
        let transaction = P256TransactionVerifier.sign(payload: LedgerEntry.contract(record.contract).encoded(), with: signer.privateKey)
        do {
            let reply = try await ledger.call(LedgerAPI.submit, SubmitRequest(transaction: transaction, wait: false), deadline: .seconds(30))
            if reply.committed, let height = reply.height {
                try await committed(record, height: height, transactionId: reply.transactionId)
            } else {
                try await handedOver(record, transactionId: reply.transactionId)
            }
        } catch let error as RPCError {
            switch LedgerSubmission.verdict(for: error.code) {
            case .retry:
                throw error
            case .alreadyRecorded:
                let recorded = try await ledger.call(LedgerAPI.getContract, ContractQuery(contractId: record.contractId))
                try await committed(record, height: recorded.height, transactionId: recorded.transactionId)
            case .refused:
                try await failed(record, reason: error.message)
            }
        }
    }

    /// Keeps the transaction id (and the time, for a resubmission) and moves the orders to `submitted`.
    private func handedOver(_ record: ContractDraftRecord, transactionId: String) async throws {
        let nowMs = Date().unixMilliseconds
        let moves = try await store.change { db -> [TradeProgress] in
            guard var current = try DeskStore.draft(record.contractId, db), current.status == .submitting else { return [] }
            current.transactionId = transactionId
            current.updatedAtMs = nowMs
            try DeskStore.put(current, db)
            return try record.orderIds.compactMap { try DeskStore.move($0, roundId: record.roundId, to: .submitted, nowMs: nowMs, db) }
        }
        for move in moves { events.publishQuietly(ReviewAPI.tradeStageChanged, move, logger: logger) }
    }

    func committed(_ record: ContractDraftRecord, height: UInt64, transactionId: String) async throws {
        guard try await close(record, failure: nil, { draft in
            draft.status = .committed
            draft.height = height
            draft.transactionId = transactionId
        }) else { return }
        logger.info("contract committed", metadata: ["contract.id": "\(record.contractId)", "ledger.height": "\(height)"])
    }

    private func failed(_ record: ContractDraftRecord, reason: String) async throws {
        guard try await close(record, failure: "the ledger refused the contract: \(reason)", { draft in
            draft.status = .failed
            draft.reason = reason
        }) else { return }
        logger.error("contract refused by the ledger", metadata: ["contract.id": "\(record.contractId)", "error": "\(reason)"])
    }

    /// The ledger's last word on a draft still `submitting`: the draft as `settle` leaves it and
    /// its orders at `committed` (or failed there), in one transaction, then announced. False
    /// when the draft was closed already (another follower got there first).
    private func close(
        _ record: ContractDraftRecord, failure: String?, _ settle: @Sendable @escaping (inout ContractDraftRecord) -> Void
    ) async throws -> Bool {
        let nowMs = Date().unixMilliseconds
        let (stored, moves) = try await store.change { db -> (ContractDraftRecord?, [TradeProgress]) in
            guard var current = try DeskStore.draft(record.contractId, db), current.status == .submitting else { return (nil, []) }
            settle(&current)
            current.updatedAtMs = nowMs
            let stored = try DeskStore.put(current, db)
            let moves = try record.orderIds.compactMap {
                try DeskStore.move(
                    $0, roundId: record.roundId, to: .committed, failure: failure, contractId: failure == nil ? record.contractId : nil,
                    height: failure == nil ? stored.height : nil, nowMs: nowMs, db
                )
            }
            return (stored, moves)
        }
        guard let stored else { return false }
        events.publishQuietly(ReviewAPI.draftUpdated, stored, logger: logger)
        for move in moves { events.publishQuietly(ReviewAPI.tradeStageChanged, move, logger: logger) }
        return true
    }
}
