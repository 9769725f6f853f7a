import Foundation
import GRDB
import Messages
import ReviewCore
import Storage

/// Review's tables: every decision once per order, in the order made, the approved energy by
/// seller and month that the plan-room rule sums, and the signed requests approved orders used.
enum ReviewStore {
    static func open(path: String) throws -> SQLiteStore {
        try SQLiteStore(path: path) { migrator in
            migrator.registerMigration("review-v1") { db in
                try db.create(table: "decision") { t in
                    t.autoIncrementedPrimaryKey("seq")
                    t.column("order_id", .text).notNull().unique()
                    t.column("seller", .text).notNull().indexed()
                    t.column("buyer", .text).notNull().indexed()
                    t.column("status", .text).notNull()
                    t.column("body", .text).notNull()
                }
                try db.create(table: "approved_month") { t in
                    t.column("order_id", .text).notNull()
                    t.column("seller", .text).notNull()
                    t.column("month", .text).notNull()
                    t.column("mwh", .double).notNull()
                    t.primaryKey(["order_id", "month"])
                }
                try db.create(index: "approved_month_seller", on: "approved_month", columns: ["seller", "month"])
            }
            // One signed request backs one order (or one round's orders): see `ConsentUse`.
            migrator.registerMigration("review-v2-consent") { db in
                try db.create(table: "consent") { t in
                    t.column("member", .text).notNull()
                    t.column("nonce", .text).notNull()
                    t.column("use", .text).notNull()
                    t.column("order_id", .text).notNull()
                    t.primaryKey(["member", "nonce"])
                }
            }
            DeskStore.migrate(&migrator)
        }
    }

    static func hasDecision(_ orderID: OrderID, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM decision WHERE order_id = ?)", arguments: [orderID.rawValue]) ?? false
    }

    /// Those of `orderIDs` with a decision: one query for a whole sweep.
    static func decided(_ orderIDs: [OrderID], _ db: Database) throws -> Set<OrderID> {
        guard !orderIDs.isEmpty else { return [] }
        var found = Set<OrderID>()
        // SQLite takes at most 32766 parameters per statement.
        for start in stride(from: 0, to: orderIDs.count, by: 10_000) {
            let chunk = orderIDs[start..<min(start + 10_000, orderIDs.count)].map(\.rawValue)
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let ids = try String.fetchAll(db, sql: "SELECT order_id FROM decision WHERE order_id IN (\(marks))", arguments: StatementArguments(chunk))
            found.formUnion(ids.map(OrderID.init))
        }
        return found
    }

    /// The next sequence number; decisions are written by one worker, one at a time.
    static func nextSeq(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM decision") ?? 0) + 1
    }

    static func insert(_ record: SignedReviewDecision, _ db: Database) throws {
        let decision = record.decision
        try db.execute(
            sql: "INSERT INTO decision (seq, order_id, seller, buyer, status, body) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [record.seq, decision.orderId.rawValue, decision.order.seller.rawValue, decision.order.buyer.rawValue, decision.status.rawValue, try JSONColumn.encode(record)]
        )
        guard decision.status == .approved else { return }
        for share in decision.order.monthlySplit {
            try db.execute(
                sql: "INSERT INTO approved_month (order_id, seller, month, mwh) VALUES (?, ?, ?, ?)",
                arguments: [decision.orderId.rawValue, decision.order.seller.rawValue, share.month.rawValue, share.mwh]
            )
        }
    }

    /// What approved orders used these signed requests for.
    static func consentUses(_ keys: Set<ConsentKey>, _ db: Database) throws -> [ConsentKey: ConsentUse] {
        var uses: [ConsentKey: ConsentUse] = [:]
        for key in keys {
            let stored = try String.fetchOne(db, sql: "SELECT use FROM consent WHERE member = ? AND nonce = ?", arguments: [key.member.rawValue, key.nonce])
            if let stored, let use = ConsentUse(stored) { uses[key] = use }
        }
        return uses
    }

    /// Records an approved order's uses. A key already used for the same thing stays; one used
    /// for something else fails the primary key, so the decision's transaction rolls back.
    static func recordUses(_ claims: [ConsentKey: ConsentUse], orderID: OrderID, _ db: Database) throws {
        for (key, use) in claims {
            let stored = try String.fetchOne(db, sql: "SELECT use FROM consent WHERE member = ? AND nonce = ?", arguments: [key.member.rawValue, key.nonce])
            if stored == use.stored { continue }
            try db.execute(
                sql: "INSERT INTO consent (member, nonce, use, order_id) VALUES (?, ?, ?, ?)",
                arguments: [key.member.rawValue, key.nonce, use.stored, orderID.rawValue]
            )
        }
    }

    static func approvedMwh(seller: MemberID, months: [DeliveryMonth], _ db: Database) throws -> [DeliveryMonth: Double] {
        var totals: [DeliveryMonth: Double] = [:]
        for month in months {
            totals[month] = try Double.fetchOne(
                db, sql: "SELECT COALESCE(SUM(mwh), 0) FROM approved_month WHERE seller = ? AND month = ?", arguments: [seller.rawValue, month.rawValue]
            ) ?? 0
        }
        return totals
    }

    static func decision(_ orderID: OrderID, _ db: Database) throws -> SignedReviewDecision? {
        try JSONColumn.decode(try String.fetchOne(db, sql: "SELECT body FROM decision WHERE order_id = ?", arguments: [orderID.rawValue]))
    }

    static func decisions(_ query: DecisionListQuery, _ db: Database) throws -> [SignedReviewDecision] {
        let limit = min(max(query.limit ?? 500, 1), 5_000)
        let member = query.member?.rawValue
        return try String.fetchAll(
            db,
            sql: """
            SELECT body FROM decision WHERE seq > ? AND (? IS NULL OR status = ?) AND (? IS NULL OR seller = ? OR buyer = ?)
            ORDER BY seq LIMIT ?
            """,
            arguments: [query.afterSeq ?? 0, query.status?.rawValue, query.status?.rawValue, member, member, member, limit]
        ).compactMap { try JSONColumn.decode($0) }
    }
}
