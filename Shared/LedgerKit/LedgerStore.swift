import Consensus
import Foundation
import GRDB

/// A data center's durable state, in one SQLite file (WAL, synchronous=FULL, so a transaction is
/// on disk when `append` returns): the committed blocks with their certificates, and the
/// consensus log records the core asked to persist. A stable checkpoint's snapshot record makes
/// every record before it unnecessary; they are deleted in the same transaction.
public final class LedgerStore: Sendable {
    private let database: DatabaseQueue
    private static let encoder = JSONEncoder()

    public init(path: String, readOnly: Bool = false) throws {
        var configuration = GRDB.Configuration()
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            if !readOnly { try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        guard !readOnly else { return }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("ledger-v1") { db in
            try db.create(table: "block") { t in
                t.primaryKey("height", .integer)
                t.column("hash", .text).notNull()
                t.column("body", .blob).notNull()
            }
            try db.create(table: "record") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("body", .blob).notNull()
            }
        }
        // Which membership the records belong to: written with the snapshot that starts one.
        migrator.registerMigration("ledger-v2-membership") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .integer).notNull()
            }
        }
        try migrator.migrate(database)
    }

    /// The base height of the membership the stored records belong to (0: the founders').
    public func membershipBase() throws -> UInt64 {
        try database.read { db in
            guard try db.tableExists("meta") else { return 0 }
            return UInt64(try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'membership_base'") ?? 0)
        }
    }

    /// Starts the records of the membership after `base`: `snapshot` replaces every earlier record,
    /// in one durable transaction with the marker, so a restart never mixes two memberships' logs.
    public func startMembership(after base: UInt64, with snapshot: Snapshot) throws {
        try database.write { db in
            try db.execute(sql: "INSERT INTO record (body) VALUES (?)", arguments: [try Self.encoder.encode(PersistedRecord.snapshot(snapshot))])
            try db.execute(sql: "DELETE FROM record WHERE seq < ?", arguments: [db.lastInsertedRowID])
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('membership_base', ?)", arguments: [Int64(base)])
        }
    }

    /// Writes records and blocks in one transaction, durably.
    public func append(records: [PersistedRecord], blocks: [CommittedBlock]) throws {
        guard !records.isEmpty || !blocks.isEmpty else { return }
        try database.write { db in
            for block in blocks {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO block (height, hash, body) VALUES (?, ?, ?)",
                    arguments: [block.height, block.block.header.hash.hex, try Self.encoder.encode(block)]
                )
            }
            for record in records {
                try db.execute(sql: "INSERT INTO record (body) VALUES (?)", arguments: [try Self.encoder.encode(record)])
                if case .snapshot = record {
                    try db.execute(sql: "DELETE FROM record WHERE seq < ?", arguments: [db.lastInsertedRowID])
                }
            }
        }
    }

    public func records() throws -> [PersistedRecord] {
        try database.read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM record ORDER BY seq").map { try JSONDecoder().decode(PersistedRecord.self, from: $0) }
        }
    }

    /// Stored blocks in `from ... through` (height order), as stored: a damaged row is an error naming its height.
    public func blocks(from: UInt64 = 1, through: UInt64 = .max) throws -> [CommittedBlock] {
        try database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT height, body FROM block WHERE height >= ? AND height <= ? ORDER BY height",
                arguments: [Int64(clamping: from), Int64(clamping: through)]
            )
            return try rows.map { row in
                let height: Int64 = row["height"]
                do {
                    return try JSONDecoder().decode(CommittedBlock.self, from: row["body"] as Data)
                } catch {
                    throw LedgerStoreError.unreadableBlock(height: UInt64(height), reason: "\(error)")
                }
            }
        }
    }

    /// The highest stored height and its header hash (0 and nil when empty).
    public func tip() throws -> (height: UInt64, hash: String?) {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT height, hash FROM block ORDER BY height DESC LIMIT 1") else { return (0, nil) }
            let height: Int64 = row["height"]
            return (UInt64(height), row["hash"])
        }
    }
}

public enum LedgerStoreError: Error, CustomStringConvertible {
    case unreadableBlock(height: UInt64, reason: String)

    public var description: String {
        switch self {
        case let .unreadableBlock(height, reason): "block \(height) is unreadable: \(reason)"
        }
    }
}
