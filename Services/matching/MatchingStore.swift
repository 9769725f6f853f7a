import Foundation
import GRDB
import Messages
import ServiceKit
import Storage

/// Matching's tables: trade orders (with their energy by month, to sum a seller's commitments),
/// and rounds with their offers.
enum MatchingStore {
    /// `matching.sqlite` in the service's data directory.
    static func open(settings: ServiceSettings) throws -> SQLiteStore {
        try open(path: URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("matching.sqlite").path)
    }

    static func open(path: String) throws -> SQLiteStore {
        try SQLiteStore(path: path) { migrator in
            migrator.registerMigration("matching-v1") { db in
                try db.create(table: "trade_order") { t in
                    t.primaryKey("id", .text)
                    t.column("seller", .text).notNull().indexed()
                    t.column("buyer", .text).notNull().indexed()
                    t.column("status", .text).notNull()
                    t.column("created_at_ms", .integer).notNull()
                    t.column("body", .text).notNull()
                }
                try db.create(table: "order_month") { t in
                    t.column("order_id", .text).notNull().references("trade_order")
                    t.column("seller", .text).notNull()
                    t.column("month", .text).notNull()
                    t.column("mwh", .double).notNull()
                    t.primaryKey(["order_id", "month"])
                }
                try db.create(index: "order_month_seller", on: "order_month", columns: ["seller", "month"])
                try db.create(table: "round") { t in
                    t.primaryKey("id", .text)
                    t.column("status", .text).notNull()
                    t.column("deadline_ms", .integer).notNull()
                    t.column("body", .text).notNull()
                }
            }
        }
    }

    static func insert(_ order: TradeOrder, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO trade_order (id, seller, buyer, status, created_at_ms, body) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [order.id.rawValue, order.seller.rawValue, order.buyer.rawValue, order.status.rawValue, order.createdAtMs, try JSONColumn.encode(order)]
        )
        for share in order.monthlySplit {
            try db.execute(
                sql: "INSERT INTO order_month (order_id, seller, month, mwh) VALUES (?, ?, ?, ?)",
                arguments: [order.id.rawValue, order.seller.rawValue, share.month.rawValue, share.mwh]
            )
        }
    }

    static func update(_ order: TradeOrder, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE trade_order SET status = ?, body = ? WHERE id = ?",
            arguments: [order.status.rawValue, try JSONColumn.encode(order), order.id.rawValue]
        )
    }

    static func order(_ id: OrderID, _ db: Database) throws -> TradeOrder? {
        try JSONColumn.decode(try String.fetchOne(db, sql: "SELECT body FROM trade_order WHERE id = ?", arguments: [id.rawValue]))
    }

    static func orders(member: MemberID?, status: TradeOrderStatus?, month: DeliveryMonth?, _ db: Database) throws -> [TradeOrder] {
        let member = member?.rawValue, month = month?.rawValue
        return try String.fetchAll(
            db,
            sql: """
            SELECT body FROM trade_order o
            WHERE (? IS NULL OR o.seller = ? OR o.buyer = ?) AND (? IS NULL OR o.status = ?)
              AND (? IS NULL OR EXISTS (SELECT 1 FROM order_month m WHERE m.order_id = o.id AND m.month = ?))
            ORDER BY o.created_at_ms, o.id
            """,
            arguments: [member, member, member, status?.rawValue, status?.rawValue, month, month]
        ).compactMap { try JSONColumn.decode($0) }
    }

    /// MWh a seller has in open or confirmed orders for a month.
    static func committed(seller: MemberID, month: DeliveryMonth, _ db: Database) throws -> Double {
        try Double.fetchOne(
            db,
            sql: """
            SELECT COALESCE(SUM(m.mwh), 0) FROM order_month m JOIN trade_order o ON o.id = m.order_id
            WHERE m.seller = ? AND m.month = ? AND o.status IN ('open', 'confirmed')
            """,
            arguments: [seller.rawValue, month.rawValue]
        ) ?? 0
    }

    static func put(_ round: Round, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO round (id, status, deadline_ms, body) VALUES (?, ?, ?, ?)",
            arguments: [round.id.rawValue, round.status.rawValue, round.deadlineMs, try JSONColumn.encode(round)]
        )
    }

    static func round(_ id: RoundID, _ db: Database) throws -> Round? {
        try JSONColumn.decode(try String.fetchOne(db, sql: "SELECT body FROM round WHERE id = ?", arguments: [id.rawValue]))
    }

    static func openRounds(_ db: Database) throws -> [Round] {
        try rounds(status: .open, db)
    }

    static func rounds(status: RoundStatus?, _ db: Database) throws -> [Round] {
        try String.fetchAll(
            db,
            sql: "SELECT body FROM round WHERE (? IS NULL OR status = ?) ORDER BY deadline_ms, id",
            arguments: [status?.rawValue, status?.rawValue]
        ).compactMap { try JSONColumn.decode($0) }
    }
}
