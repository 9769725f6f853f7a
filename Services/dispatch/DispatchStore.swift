import Foundation
import GRDB
import Messages
import Storage

/// Dispatch's tables: every result once per order, in the order the MW were stacked on the
/// network, and the last review decision handled (approved or not), so none is skipped or done twice.
enum DispatchStore {
    static func open(path: String) throws -> SQLiteStore {
        try SQLiteStore(path: path) { migrator in
            migrator.registerMigration("dispatch-v1") { db in
                try db.create(table: "result") { t in
                    t.autoIncrementedPrimaryKey("seq")
                    t.column("order_id", .text).notNull().unique()
                    t.column("review_seq", .integer).notNull()
                    t.column("body", .text).notNull()
                }
                try db.create(table: "cursor") { t in
                    t.primaryKey("name", .text)
                    t.column("review_seq", .integer).notNull()
                }
            }
        }
    }

    static func reviewCursor(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT review_seq FROM cursor WHERE name = 'review'") ?? 0
    }

    static func advance(to reviewSeq: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO cursor (name, review_seq) VALUES ('review', ?)", arguments: [reviewSeq])
    }

    static func nextSeq(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM result") ?? 0) + 1
    }

    static func insert(_ record: SignedSecurityCheck, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO result (seq, order_id, review_seq, body) VALUES (?, ?, ?, ?)",
            arguments: [record.seq, record.result.orderId, record.result.reviewSeq, try JSONColumn.encode(record)]
        )
    }

    static func result(_ orderID: OrderID, _ db: Database) throws -> SignedSecurityCheck? {
        try JSONColumn.decode(try String.fetchOne(db, sql: "SELECT body FROM result WHERE order_id = ?", arguments: [orderID.rawValue]))
    }

    static func results(after seq: Int64, limit: Int, _ db: Database) throws -> [SignedSecurityCheck] {
        try String.fetchAll(db, sql: "SELECT body FROM result WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit])
            .compactMap { try JSONColumn.decode($0) }
    }
}
