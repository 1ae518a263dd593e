import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLite allows one writer at a time: one connection writes, in turn, and a few others read
/// concurrently thanks to write-ahead logging.
final class SQLiteConnections: Sendable {
    let writer: SQLiteConnection
    let readers: [SQLiteConnection]
    let queue: WriteQueue
    let nextReader = NIOLockedValueBox(0)

    init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers
        self.queue = WriteQueue(session: StoreSession(sql: writer.sql(queryLogLevel: nil), dialect: .sqlite))
    }

    static func open(storage: SQLiteConnection.Storage, logger: Logger) async throws -> SQLiteConnections {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        var opened: [SQLiteConnection] = []
        do {
            let writer = try await SQLiteConnection.open(storage: storage, threadPool: .singleton, logger: logger, on: eventLoop)
            opened.append(writer)
            try await useWriteAheadLog(writer)
            // optimize=0x10002 gathers the statistics the query planner needs, where they are missing.
            for pragma in ["PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA analysis_limit=1000",
                           "PRAGMA optimize=0x10002"] {
                _ = try await writer.query(pragma)
            }
            for _ in 0..<4 {
                let reader = try await SQLiteConnection.open(storage: storage, threadPool: .singleton, logger: logger, on: eventLoop)
                opened.append(reader)
                _ = try await reader.query("PRAGMA query_only=ON")
            }
            return SQLiteConnections(writer: writer, readers: Array(opened.dropFirst()))
        } catch {
            for connection in opened {
                try? await connection.close()
            }
            throw error
        }
    }

    /// Write-ahead logging lets readers go on while one connection writes. The mode is kept in the
    /// file; switching needs a moment alone with it, so another process opening the same file at
    /// the same time makes us wait a little and try again.
    static func useWriteAheadLog(_ connection: SQLiteConnection) async throws {
        var attempt = 0
        while true {
            do {
                let mode = try await connection.query("PRAGMA journal_mode").first?.column("journal_mode")?.string
                if mode?.lowercased() == "wal" { return }
                _ = try await connection.query("PRAGMA journal_mode=WAL")
                return
            } catch {
                attempt += 1
                if attempt >= 50 { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func reader() -> any SQLDatabase {
        let index = nextReader.withLockedValue { value in
            value = (value + 1) % readers.count
            return value
        }
        return readers[index].sql(queryLogLevel: nil)
    }

    /// Runs `body` in a transaction of the single writer; see `WriteQueue`.
    func write<R: Sendable>(_ body: @escaping @Sendable (StoreSession) async throws -> R) async throws -> R {
        try await queue.submit(body)
    }

    func close() async {
        _ = try? await writer.query("PRAGMA optimize")
        for connection in readers + [writer] {
            try? await connection.close()
        }
    }
}
