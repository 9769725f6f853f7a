import Contracts
import Foundation
import GRDB
import Messages
import Storage

/// The contract desk's tables, beside the review's: each order's stage, the drafts with their
/// parties, the dispatch checks taken in (a round's contract needs all of its orders'), and the
/// cursor over dispatch's results. Every change gets the next number of its table's `seq`, so
/// `Review/ListDrafts` and `Review/ListTrades` can be followed.
enum DeskStore {
    static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("review-v3-desk") { db in
            try db.create(table: "trade") { t in
                t.primaryKey("order_id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("stage", .text).notNull()
                t.column("failed", .boolean).notNull()
                t.column("body", .text).notNull()
            }
            try db.create(table: "draft") { t in
                t.primaryKey("contract_id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("status", .text).notNull().indexed()
                t.column("body", .text).notNull()
            }
            // Who a draft names, and whether it still waits for that party's signature.
            try db.create(table: "draft_party") { t in
                t.column("contract_id", .text).notNull()
                t.column("member", .text).notNull().indexed()
                t.column("awaiting", .boolean).notNull()
                t.primaryKey(["contract_id", "member"])
            }
            try db.create(table: "desk_check") { t in
                t.primaryKey("order_id", .text)
                t.column("body", .text).notNull()
            }
            try db.create(table: "desk_cursor") { t in
                t.primaryKey("name", .text)
                t.column("value", .integer).notNull()
            }
        }
    }

    // MARK: trades

    static func trade(_ id: OrderID, _ db: Database) throws -> TradeProgress? {
        try JSONColumn.decode(try String.fetchOne(db, sql: "SELECT body FROM trade WHERE order_id = ?", arguments: [id.rawValue]))
    }

    /// Records a move and returns it numbered; nil when it is no news (`TradeProgress.next`).
    static func move(
        _ id: OrderID, roundId: RoundID?, to stage: TradeStage, failure: String? = nil, contractId: String? = nil, height: UInt64? = nil,
        nowMs: Int64, _ db: Database
    ) throws -> TradeProgress? {
        guard var progress = TradeProgress.next(
            try trade(id, db), orderId: id, roundId: roundId, stage: stage, failure: failure, contractId: contractId, height: height, nowMs: nowMs
        ) else { return nil }
        progress.seq = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM trade") ?? 0) + 1
        try db.execute(
            sql: "INSERT OR REPLACE INTO trade (order_id, seq, stage, failed, body) VALUES (?, ?, ?, ?, ?)",
            arguments: [id.rawValue, progress.seq, progress.stage.rawValue, progress.failure != nil, try JSONColumn.encode(progress)]
        )
        return progress
    }

    static func trades(_ query: TradeListQuery, _ db: Database) throws -> [TradeProgress] {
        let limit = min(max(query.limit ?? 500, 1), 5_000)
        return try String.fetchAll(
            db,
            sql: "SELECT body FROM trade WHERE seq > ? AND (? IS NULL OR stage = ?) AND (? IS NULL OR failed = ?) ORDER BY seq LIMIT ?",
            arguments: [query.afterSeq ?? 0, query.stage?.rawValue, query.stage?.rawValue, query.failed, query.failed, limit]
        ).compactMap { try JSONColumn.decode($0) }
    }

    // MARK: drafts

    static func draft(_ contractId: String, _ db: Database) throws -> ContractDraftRecord? {
        try JSONColumn.decode(try String.fetchOne(db, sql: "SELECT body FROM draft WHERE contract_id = ?", arguments: [contractId]))
    }

    /// Stores the draft as it now stands, numbered as the latest change.
    @discardableResult
    static func put(_ record: ContractDraftRecord, _ db: Database) throws -> ContractDraftRecord {
        var record = record
        record.seq = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM draft") ?? 0) + 1
        try db.execute(
            sql: "INSERT OR REPLACE INTO draft (contract_id, seq, status, body) VALUES (?, ?, ?, ?)",
            arguments: [record.contractId, record.seq, record.status.rawValue, try JSONColumn.encode(record)]
        )
        let parties = (try? ContractSigning.document(of: record.contract))?.parties.map(\.member) ?? []
        let awaiting = Set(record.awaiting.map(\.rawValue))
        for member in parties {
            try db.execute(
                sql: "INSERT OR REPLACE INTO draft_party (contract_id, member, awaiting) VALUES (?, ?, ?)",
                arguments: [record.contractId, member, record.status == .signing && awaiting.contains(member)]
            )
        }
        return record
    }

    static func drafts(_ query: DraftListQuery, _ db: Database) throws -> [ContractDraftRecord] {
        let limit = min(max(query.limit ?? 100, 1), 1_000)
        let member = query.member?.rawValue
        let awaiting = query.awaiting == true ? true : nil
        return try String.fetchAll(
            db,
            sql: """
            SELECT body FROM draft WHERE seq > ? AND (? IS NULL OR status = ?)
              AND (? IS NULL OR contract_id IN (SELECT contract_id FROM draft_party WHERE member = ? AND (? IS NULL OR awaiting = ?)))
            ORDER BY seq LIMIT ?
            """,
            arguments: [query.afterSeq ?? 0, query.status?.rawValue, query.status?.rawValue, member, member, awaiting, awaiting, limit]
        ).compactMap { try JSONColumn.decode($0) }
    }

    // MARK: checks and the cursor

    static func check(_ id: OrderID, _ db: Database) throws -> SignedSecurityCheck? {
        try JSONColumn.decode(try String.fetchOne(db, sql: "SELECT body FROM desk_check WHERE order_id = ?", arguments: [id.rawValue]))
    }

    static func keep(_ check: SignedSecurityCheck, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO desk_check (order_id, body) VALUES (?, ?)", arguments: [check.result.orderId, try JSONColumn.encode(check)]
        )
    }

    static func cursor(_ name: String, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM desk_cursor WHERE name = ?", arguments: [name]) ?? 0
    }

    static func advance(_ name: String, to value: Int64, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO desk_cursor (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = MAX(value, excluded.value)",
            arguments: [name, value]
        )
    }
}
