import Cairn
import Foundation
internal import GRDB

/// The SQLite store: one `DatabasePool` in WAL mode, `synchronous=FULL` by default, one
/// writer thread with group commit, reads on the pool's reader connections.
///
/// ```swift
/// let store = try SQLiteStore(path: "var/cairn.sqlite")
/// ```
public final class SQLiteStore: WorkflowStore {
    let pool: DatabasePool
    let committer: GroupCommitter
    private let lock: StoreLock
    public let path: String

    /// How durable a commit is: `full` fsyncs the WAL on every commit (survives power loss),
    /// `normal` survives a process crash but may lose the last commits on power loss.
    public enum Synchronous: String, Sendable, CaseIterable {
        case full = "FULL"
        case normal = "NORMAL"
        var pragmaValue: Int { self == .full ? 2 : 1 }
    }

    /// Opens (creating if needed) the database at `path` and migrates it.
    ///
    /// Refuses, with a message saying what to do, a file that is not SQLite, a file or
    /// directory that is not writable, a database written by a newer Cairn, and a database
    /// another store holds (its lock file, `<path>.lock`, is kept until ``close()``).
    /// - Parameter migrations: features' own schema changes (``StoreMigration``), applied in
    ///   order after Cairn's, each once.
    public init(path: String, synchronous: Synchronous = .full, migrations features: [StoreMigration] = []) throws {
        self.path = path
        _ = HeapTrim.applied
        try Self.checkFile(at: path)
        lock = try StoreLock(databasePath: path)
        // SQLite gives -wal and -shm the database file's mode, so a 0600 database makes all three private.
        do {
            try OwnerOnly.createFile(path)
        } catch {
            throw StoreError(.cannotOpen, "Cannot create the database \(path): \(error.localizedDescription). Make its directory writable by the user running Cairn.")
        }
        OwnerOnly.restrict(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "cairn"
        configuration.maximumReaderCount = 4
        // The group committer runs BEGIN/COMMIT itself. If a ROLLBACK ever fails it poisons the
        // store (every later write fails with a clear error) instead of letting GRDB's check
        // for a transaction left open stop the process. Readers keep GRDB's check.
        configuration.allowsUnsafeTransactions = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.openError(path: path, error)
        }
        do {
            let migrator = try Schema.migrator(features: features)
            // A feature's tables left by a build that had the feature are harmless; an unknown
            // migration of Cairn's own means a newer Cairn wrote this file.
            let unknown = try pool.read { db in
                try migrator.appliedIdentifiers(db).subtracting(Set(migrator.migrations)).filter { !$0.contains("/") }
            }
            if !unknown.isEmpty {
                throw StoreError(.newerSchema, "\(path) was written by a newer version of Cairn (unknown migrations: \(unknown.sorted().joined(separator: ", "))). Run that version, or restore a backup made for this one.")
            }
            try migrator.migrate(pool)
            let mode = try pool.writeWithoutTransaction { db -> Int in
                // GRDB sets NORMAL when it enables WAL; apply the chosen level after opening.
                try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            }
            guard mode == synchronous.pragmaValue else {
                throw StoreError(.durability, "SQLite reports synchronous=\(mode) after setting \(synchronous.rawValue) on \(path); refusing to run with weaker durability than configured.")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.openError(path: path, error)
        }
        // Files an older Cairn made world-readable, and -wal/-shm left from then, are tightened.
        for file in [path, path + "-wal", path + "-shm"] { OwnerOnly.restrict(file) }
        committer = GroupCommitter(pool: pool)
    }

    deinit {
        committer.stop()
        lock.release()
    }

    /// Stops the writer after it commits what is queued, then releases the database's lock
    /// so that another store may open it.
    public func close() {
        committer.stop()
        committer.waitUntilIdle()
        // Folds the WAL into the database and empties it, so a stopped appliance leaves one
        // self-contained file (a copy or backup of it alone is whole). Best effort: a reader
        // still open makes it a no-op, and the next start replays the WAL as after a crash.
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        lock.release()
    }

    /// The `synchronous` level in force on the writer connection (2 = FULL, 1 = NORMAL).
    public func synchronousLevel() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode (`wal`).
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    @discardableResult
    public func submit(_ command: StoreCommand, offerToLead: Bool, completion: @escaping @Sendable (Result<StoreResult, StoreError>) -> Void) -> Bool {
        let box = ResultBox()
        return committer.submit({ db in
            box.value = try Self.apply(command, db)
        }, finish: { error in
            if let error {
                completion(.failure(Self.storeError(error)))
            } else {
                completion(.success(box.value ?? .done))
            }
        }, offerToLead: offerToLead)
    }

    public func lead() {
        committer.lead()
    }

    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if error is DatabaseError { return StoreError(.io, "Database write failed: \(error)", cause: SendableErrorBox(error)) }
        // A feature's own write refused: keep its error for the caller.
        return StoreError(.rejected, "\(error)", cause: (error as? any Error & Sendable) ?? SendableErrorBox(error))
    }

    private static func checkFile(at path: String) throws {
        let manager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !manager.fileExists(atPath: directory) {
            do {
                try OwnerOnly.createDirectory(directory)
            } catch {
                throw StoreError(.cannotOpen, "Cannot create the data directory \(directory): \(error.localizedDescription). Create it, or point the database path elsewhere.")
            }
        }
        let dirToCheck = directory.isEmpty ? "." : directory
        if !manager.isWritableFile(atPath: dirToCheck) {
            throw StoreError(.readOnly, "The data directory \(dirToCheck) is not writable; SQLite needs to create its -wal and -shm files there. Fix its permissions or choose another directory.")
        }
        guard manager.fileExists(atPath: path) else { return }
        if !manager.isWritableFile(atPath: path) {
            throw StoreError(.readOnly, "The database \(path) is read-only. Make it writable by the user running Cairn (chmod u+w), or point Cairn at another file.")
        }
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            let header = (try? handle.read(upToCount: 16)) ?? Data()
            if !header.isEmpty, header != Data("SQLite format 3\0".utf8) {
                throw StoreError(.notADatabase, "\(path) is not a SQLite database. Move it away or point Cairn at another file; Cairn will not overwrite it.")
            }
        }
    }

    private static func openError(path: String, _ error: any Error) -> StoreError {
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_NOTADB:
                return StoreError(.notADatabase, "\(path) is not a SQLite database. Move it away or point Cairn at another file.")
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
                return StoreError(.readOnly, "Cannot open \(path) for writing (\(db.message ?? "\(db.resultCode)")). Check the file's and its directory's permissions.")
            default: break
            }
        }
        return StoreError(.cannotOpen, "Cannot open \(path): \(error)", cause: SendableErrorBox(error))
    }
}

/// Carries a command's result from the writer thread to the completion; written before
/// `finish` runs and read after, on the same thread, so no two threads touch it at once.
final class ResultBox: @unchecked Sendable {
    var value: StoreResult?
}
