import Foundation
import GRDB
import Messages
import RegistryCore
import Storage

/// The registry's tables, in a `SQLiteStore`, and the queries on them.
enum RegistryStore {
    static func open(path: String) throws -> SQLiteStore {
        try SQLiteStore(path: path) { migrator in
            migrator.registerMigration("registry-v1") { db in
                try db.create(table: "member") { t in
                    t.primaryKey("id", .text)
                    t.column("role", .text).notNull()
                    t.column("legal_name", .text).notNull()
                    t.column("licence", .text).notNull().indexed()
                    t.column("contact", .text).notNull()
                    t.column("status", .text).notNull()
                    t.column("reason", .text)
                    t.column("generator", .text)
                    t.column("consumer", .text)
                    t.column("public_key", .text).notNull().unique()
                    t.column("certificate", .text)
                    t.column("serial", .text)
                    t.column("registered_at_ms", .integer).notNull()
                    t.column("decided_at_ms", .integer)
                }
                for table in ["plan", "demand"] {
                    try db.create(table: table) { t in
                        t.column("member_id", .text).notNull().references("member")
                        t.column("period", .text).notNull()
                        t.column("body", .text).notNull()
                        t.primaryKey(["member_id", "period"])
                    }
                }
            }
            // One word per concept: a plan's or demand's delivery month is `month`, in the JSON
            // bodies kept here and in the key column.
            migrator.registerMigration("registry-v2-month") { db in
                for table in ["plan", "demand"] {
                    try db.execute(sql: "ALTER TABLE \(table) RENAME COLUMN period TO month")
                    try db.execute(sql: """
                        UPDATE \(table) SET body = json_set(json_remove(body, '$.period'), '$.month', json_extract(body, '$.period'))
                        WHERE json_type(body, '$.period') IS NOT NULL
                        """)
                }
            }
        }
    }

    // MARK: members

    static func insert(_ member: Member, _ db: Database) throws {
        if try fetchMember(member.id, db) != nil { throw RegistryError.duplicate(field: "gt-public-key", value: member.id.rawValue) }
        // A rejected or revoked member's licence may apply again, with a new key.
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM member WHERE licence = ? AND status IN ('pending', 'approved')", arguments: [member.licence]) == true {
            throw RegistryError.duplicate(field: "licence", value: member.licence)
        }
        try db.execute(
            sql: """
            INSERT INTO member (id, role, legal_name, licence, contact, status, reason, generator, consumer, public_key, certificate, serial, registered_at_ms, decided_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [member.id.rawValue, member.role.rawValue, member.legalName, member.licence, member.contact, member.status.rawValue, member.reason,
                        try JSONColumn.encode(member.generator), try JSONColumn.encode(member.consumer), member.publicKey, member.certificate, nil, member.registeredAtMs, member.decidedAtMs]
        )
    }

    static func update(_ member: Member, serial: String?, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE member SET status = ?, reason = ?, certificate = ?, serial = COALESCE(?, serial), decided_at_ms = ? WHERE id = ?",
            arguments: [member.status.rawValue, member.reason, member.certificate, serial, member.decidedAtMs, member.id.rawValue]
        )
    }

    static func fetchMember(_ id: MemberID, _ db: Database) throws -> Member? {
        try Row.fetchOne(db, sql: "SELECT * FROM member WHERE id = ?", arguments: [id.rawValue]).map(member)
    }

    static func fetchMembers(role: Role?, status: MemberStatus?, _ db: Database) throws -> [Member] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM member WHERE (? IS NULL OR role = ?) AND (? IS NULL OR status = ?) ORDER BY registered_at_ms, id",
            arguments: [role?.rawValue, role?.rawValue, status?.rawValue, status?.rawValue]
        ).map(member)
    }

    static func serial(of id: MemberID, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT serial FROM member WHERE id = ?", arguments: [id.rawValue])
    }

    static func revocations(_ db: Database) throws -> [Revocation] {
        try Row.fetchAll(db, sql: "SELECT id, serial, reason, decided_at_ms FROM member WHERE status = 'revoked' ORDER BY decided_at_ms, id").map { row in
            Revocation(memberId: MemberID(row["id"] as String), serial: row["serial"] ?? "", reason: row["reason"] ?? "", revokedAtMs: row["decided_at_ms"] ?? 0)
        }
    }

    private static func member(_ row: Row) throws -> Member {
        let id: String = row["id"]
        // A row this version cannot read is an error, never a guess at a role.
        guard let role = Role(rawValue: row["role"]), let status = MemberStatus(rawValue: row["status"]) else {
            throw UnreadableRow(table: "member", id: id)
        }
        return Member(
            id: MemberID(id),
            role: role,
            legalName: row["legal_name"],
            licence: row["licence"],
            contact: row["contact"],
            status: status,
            reason: row["reason"],
            generator: try JSONColumn.decode(row["generator"]),
            consumer: try JSONColumn.decode(row["consumer"]),
            publicKey: row["public_key"],
            certificate: row["certificate"],
            registeredAtMs: row["registered_at_ms"],
            decidedAtMs: row["decided_at_ms"]
        )
    }

    // MARK: plans and demands

    static func put<T: Encodable>(_ table: String, memberId: MemberID, month: DeliveryMonth, _ value: T, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO \(table) (member_id, month, body) VALUES (?, ?, ?)",
            arguments: [memberId.rawValue, month.rawValue, try JSONColumn.encode(value)]
        )
    }

    static func list<T: Decodable>(_ table: String, month: DeliveryMonth?, memberId: MemberID?, _ db: Database) throws -> [T] {
        let month = month?.rawValue, memberId = memberId?.rawValue
        return try String.fetchAll(
            db,
            sql: "SELECT body FROM \(table) WHERE (? IS NULL OR month = ?) AND (? IS NULL OR member_id = ?) ORDER BY month, member_id",
            arguments: [month, month, memberId, memberId]
        ).compactMap { try JSONColumn.decode($0) }
    }
}

/// A stored row with a value this version does not know.
struct UnreadableRow: Error, CustomStringConvertible {
    let table: String
    let id: String

    var description: String { "row '\(id)' of table \(table) is unreadable" }
}
