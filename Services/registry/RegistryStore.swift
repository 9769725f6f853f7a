import Bus
import Foundation
import GRDB
import Messages
import RegistryCore

/// The registry's SQLite database (WAL, synchronous=FULL): what it acknowledged survives kill -9.
/// Every change is one transaction, together with the nonce of the signed request that made it,
/// so a request is applied whole or not at all, and never twice.
final class RegistryStore: Sendable {
    private let database: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "member") { t in
                t.primaryKey("id", .text)
                t.column("role", .text).notNull()
                t.column("legal_name", .text).notNull()
                t.column("licence", .text).notNull().unique()
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
            try db.create(table: "nonce") { t in
                t.column("member_id", .text).notNull()
                t.column("nonce", .text).notNull()
                t.column("expires_at_ms", .integer).notNull()
                t.primaryKey(["member_id", "nonce"])
            }
        }
        return migrator
    }

    /// The nonce of the signed request behind a change.
    struct Nonce: Sendable {
        var memberId: String
        var value: String
        var expiresAtMs: Int64
    }

    /// Runs `change` in one transaction with the nonce claimed; a nonce already used refuses all of it.
    func change<T: Sendable>(_ nonce: Nonce, _ change: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM nonce WHERE expires_at_ms < ?", arguments: [nonce.expiresAtMs - 2 * 3_600_000])
            do {
                try db.execute(sql: "INSERT INTO nonce (member_id, nonce, expires_at_ms) VALUES (?, ?, ?)", arguments: [nonce.memberId, nonce.value, nonce.expiresAtMs])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw ReplayedRequest()
            }
            return try change(db)
        }
    }

    func read<T: Sendable>(_ query: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(query)
    }

    // MARK: members

    static func insert(_ member: Member, _ db: Database) throws {
        if try fetchMember(member.id, db) != nil { throw RegistryError.duplicate(field: "public key", value: member.id) }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM member WHERE licence = ?", arguments: [member.licence]) == true {
            throw RegistryError.duplicate(field: "licence", value: member.licence)
        }
        try db.execute(
            sql: """
            INSERT INTO member (id, role, legal_name, licence, contact, status, reason, generator, consumer, public_key, certificate, serial, registered_at_ms, decided_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [member.id, member.role.rawValue, member.legalName, member.licence, member.contact, member.status.rawValue, member.reason,
                        try json(member.generator), try json(member.consumer), member.publicKey, member.certificate, nil, member.registeredAtMs, member.decidedAtMs]
        )
    }

    static func update(_ member: Member, serial: String?, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE member SET status = ?, reason = ?, certificate = ?, serial = COALESCE(?, serial), decided_at_ms = ? WHERE id = ?",
            arguments: [member.status.rawValue, member.reason, member.certificate, serial, member.decidedAtMs, member.id]
        )
    }

    static func fetchMember(_ id: String, _ db: Database) throws -> Member? {
        try Row.fetchOne(db, sql: "SELECT * FROM member WHERE id = ?", arguments: [id]).map(member)
    }

    static func fetchMembers(role: Role?, status: MemberStatus?, _ db: Database) throws -> [Member] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM member WHERE (? IS NULL OR role = ?) AND (? IS NULL OR status = ?) ORDER BY registered_at_ms, id",
            arguments: [role?.rawValue, role?.rawValue, status?.rawValue, status?.rawValue]
        ).map(member)
    }

    static func serial(of id: String, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT serial FROM member WHERE id = ?", arguments: [id])
    }

    static func revocations(_ db: Database) throws -> [Revocation] {
        try Row.fetchAll(db, sql: "SELECT id, serial, reason, decided_at_ms FROM member WHERE status = 'revoked' ORDER BY decided_at_ms, id").map { row in
            Revocation(memberId: row["id"], serial: row["serial"] ?? "", reason: row["reason"] ?? "", revokedAtMs: row["decided_at_ms"] ?? 0)
        }
    }

    private static func member(_ row: Row) throws -> Member {
        Member(
            id: row["id"],
            role: Role(rawValue: row["role"]) ?? .generator,
            legalName: row["legal_name"],
            licence: row["licence"],
            contact: row["contact"],
            status: MemberStatus(rawValue: row["status"]) ?? .pending,
            reason: row["reason"],
            generator: try decode(row["generator"]),
            consumer: try decode(row["consumer"]),
            publicKey: row["public_key"],
            certificate: row["certificate"],
            registeredAtMs: row["registered_at_ms"],
            decidedAtMs: row["decided_at_ms"]
        )
    }

    // MARK: plans and demands

    static func put<T: Encodable>(_ table: String, memberId: String, period: String, _ value: T, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO \(table) (member_id, period, body) VALUES (?, ?, ?)",
            arguments: [memberId, period, try json(value)]
        )
    }

    static func list<T: Decodable>(_ table: String, period: String?, memberId: String?, _ db: Database) throws -> [T] {
        try String.fetchAll(
            db,
            sql: "SELECT body FROM \(table) WHERE (? IS NULL OR period = ?) AND (? IS NULL OR member_id = ?) ORDER BY period, member_id",
            arguments: [period, period, memberId, memberId]
        ).map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    private static func json<T: Encodable>(_ value: T?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ text: String?) throws -> T? {
        guard let text else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

/// A signed request whose nonce was already used (also after a restart, which empties the
/// authenticator's in-memory window).
struct ReplayedRequest: Error, StatusConvertible {
    var status: Status { Status(code: .unauthenticated, message: "replayed request (nonce already used)") }
}
