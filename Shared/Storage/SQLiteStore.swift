import GridProtocol
import Foundation
import GRDB

/// A service's SQLite database (WAL, synchronous=FULL): what it acknowledged survives kill -9.
/// Every change from a signed request is one transaction together with that request's nonce,
/// so a request is applied whole or not at all, and never twice, even across restarts.
public final class SQLiteStore: Sendable {
    private let database: DatabaseQueue

    /// Opens (or creates) the database and applies `migrations` after the store's own.
    public init(path: String, migrations: (inout DatabaseMigrator) -> Void) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("nonce-v1") { db in
            try db.create(table: "nonce") { t in
                t.column("member_id", .text).notNull()
                t.column("nonce", .text).notNull()
                t.column("expires_at_ms", .integer).notNull().indexed()
                t.primaryKey(["member_id", "nonce"])
            }
        }
        migrations(&migrator)
        try migrator.migrate(database)
    }

    /// Records a signed request's nonce, durably, before the request is looked at: whatever the
    /// service then answers (even a refusal that a later state would not give), the same signed
    /// request is refused as a replay from then on, also after a restart.
    public func claim(_ nonce: RequestNonce) async throws {
        try await database.write { db in try Self.insert(nonce, db) }
    }

    private static func insert(_ nonce: RequestNonce, _ db: Database) throws {
        // Nonces outlive the window in which a timestamp is accepted; older ones can go.
        try db.execute(sql: "DELETE FROM nonce WHERE expires_at_ms < ?", arguments: [nonce.expiresAtMs - 2 * 3_600_000])
        do {
            try db.execute(
                sql: "INSERT INTO nonce (member_id, nonce, expires_at_ms) VALUES (?, ?, ?)",
                arguments: [nonce.memberId, nonce.value, nonce.expiresAtMs]
            )
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw ReplayedRequest()
        }
    }

    /// A change, in one transaction: applied whole or not at all.
    public func change<T: Sendable>(_ change: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(change)
    }

    public func read<T: Sendable>(_ query: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(query)
    }
}

/// The nonce of the signed request behind a change.
public struct RequestNonce: Sendable {
    public var memberId: String
    public var value: String
    public var expiresAtMs: Int64

    /// Kept for `lifeMs` after the request's timestamp: at least as long as the timestamp is accepted.
    public init(memberId: String, value: String, timestampMs: Int64, lifeMs: Int64) {
        self.memberId = memberId
        self.value = value
        expiresAtMs = timestampMs + lifeMs
    }
}

/// A signed request whose nonce was already used.
public struct ReplayedRequest: Error, StatusConvertible {
    public var status: Status { Status(code: .unauthenticated, message: "replayed request (nonce already used)") }
}

/// Codable values in TEXT columns.
public enum JSONColumn {
    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    public static func encode<T: Encodable>(_ value: T?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ text: String?) throws -> T? {
        guard let text else { return nil }
        return try decoder.decode(T.self, from: Data(text.utf8))
    }
}
