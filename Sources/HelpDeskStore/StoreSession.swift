import Logging
import PostgresKit
import SQLKit
import SQLiteNIO

/// One connection's worth of work: a read, or a write transaction. The table extensions on it are
/// the only place SQL on records, people and conversations is written.
package struct StoreSession: Sendable {
    let sql: any SQLDatabase
    package let dialect: Database.Dialect
    /// The connection under `sql`, for the bulk inserts that bypass SQLKit.
    let connection: Connection
    /// In a write, what it causes besides its rows; `nil` in a read.
    let effects: WriteEffects?

    enum Connection: Sendable {
        case sqlite(SQLiteConnection)
        case postgres(PostgresConnection, Logger)
    }

    init(connection: Connection, effects: WriteEffects? = nil) {
        self.connection = connection
        self.effects = effects
        switch connection {
        case .sqlite(let sqlite):
            sql = sqlite.sql(queryLogLevel: nil)
            dialect = .sqlite
        case .postgres(let postgres, _):
            sql = postgres.sql(queryLogLevel: nil)
            dialect = .postgres
        }
    }

    /// The same connection, for one run of a write body with effects of its own.
    func writing(_ effects: WriteEffects) -> StoreSession {
        StoreSession(connection: connection, effects: effects)
    }

    /// Runs `action` once this write has committed (never if it does not). For what must not
    /// happen twice or for nothing: waking workers, ringing live updates.
    package func afterCommit(_ action: @escaping @Sendable () -> Void) {
        precondition(effects != nil, "afterCommit outside a write")
        effects?.afterCommit(action)
    }

    /// Runs `body` in this write so that, if it throws, what it wrote and appended is undone while
    /// the rest of the write goes on (a savepoint). Returns its error, or `nil` when it succeeded.
    package func undoingOnFailure(_ body: () async throws -> Void) async throws -> (any Error)? {
        guard let effects else { throw StoreError.readOnly }
        let mark = effects.mark()
        try await sql.raw("SAVEPOINT undoable").run()
        do {
            try await body()
        } catch {
            try await sql.raw("ROLLBACK TO SAVEPOINT undoable").run()
            try await sql.raw("RELEASE SAVEPOINT undoable").run()
            effects.restore(mark)
            return error
        }
        try await sql.raw("RELEASE SAVEPOINT undoable").run()
        return nil
    }

    /// Hands out the next number of a named sequence (pipeline ids, custom type ids, ...).
    package func nextValue(of sequence: String, startingAfter start: Int64 = 0) async throws -> Int64 {
        try await sql.raw("""
            INSERT INTO sequences (name, last_value) VALUES (\(bind: sequence), \(bind: start + 1))
            ON CONFLICT (name) DO UPDATE SET last_value = sequences.last_value + 1
            """).run()
        let row = try await sql.raw("SELECT last_value FROM sequences WHERE name = \(bind: sequence)").first()
        return try row?.decode(column: "last_value", as: Int64.self) ?? start + 1
    }
}
