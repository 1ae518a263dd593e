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
    /// The writer's own thread for SQLite calls and its transactions, so that its statements never
    /// wait behind readers' (see `WriterExecutor`), and the event loop its futures report on.
    let writerThreads: (loop: MultiThreadedEventLoopGroup, pool: NIOThreadPool)
    let checkpointer: Checkpointer

    init(writer: SQLiteConnection, readers: [SQLiteConnection],
         writerThreads: (loop: MultiThreadedEventLoopGroup, pool: NIOThreadPool), checkpointer: Checkpointer) {
        self.writer = writer
        self.readers = readers
        self.writerThreads = writerThreads
        self.checkpointer = checkpointer
        self.queue = WriteQueue(session: StoreSession(connection: .sqlite(writer)),
                                executor: WriterExecutor(pool: writerThreads.pool),
                                checkpointer: checkpointer)
    }

    static func open(storage: SQLiteConnection.Storage, logger: Logger) async throws -> SQLiteConnections {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        let writerLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let writerPool = NIOThreadPool(numberOfThreads: 1)
        writerPool.start()
        var opened: [SQLiteConnection] = []
        do {
            let writer = try await SQLiteConnection.open(storage: storage, threadPool: writerPool, logger: logger,
                                                         on: writerLoop.next())
            opened.append(writer)
            try await useWriteAheadLog(writer)
            // optimize=0x10002 gathers the statistics the query planner needs, where they are missing.
            // A page cache of 16 MiB (the default is 2 MiB) holds the indexes' upper levels and
            // recent leaves of a large help desk, instead of reading them again at every write; a
            // larger one costs more at each commit, which sweeps the cache's table.
            // Statement journals of multi-row inserts stay in memory rather than spill to a file.
            // The log is copied into the file in the background (`Checkpointer`), never inside a
            // commit; the writer's own automatic checkpoint, at 128 MiB of log, is only a backstop.
            for pragma in ["PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-16384",
                           "PRAGMA temp_store=MEMORY", "PRAGMA wal_autocheckpoint=\(Checkpointer.backstopPages)",
                           "PRAGMA analysis_limit=1000", "PRAGMA optimize=0x10002"] {
                _ = try await writer.query(pragma)
            }
            for _ in 0..<4 {
                let reader = try await SQLiteConnection.open(storage: storage, threadPool: .singleton, logger: logger, on: eventLoop)
                opened.append(reader)
                for pragma in ["PRAGMA query_only=ON", "PRAGMA cache_size=-8192"] {
                    _ = try await reader.query(pragma)
                }
            }
            let checkpointer = try await Checkpointer.start(storage: storage, logger: logger)
            return SQLiteConnections(writer: writer, readers: Array(opened.dropFirst()), writerThreads: (writerLoop, writerPool),
                                     checkpointer: checkpointer)
        } catch {
            for connection in opened {
                try? await connection.close()
            }
            try? await writerPool.shutdownGracefully()
            try? await writerLoop.shutdownGracefully()
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

    func reader() -> SQLiteConnection {
        let index = nextReader.withLockedValue { value in
            value = (value + 1) % readers.count
            return value
        }
        return readers[index]
    }

    /// Runs `body` in a transaction of the single writer; see `WriteQueue`.
    func write<R: Sendable>(_ body: @escaping @Sendable (StoreSession) async throws -> R) async throws -> R {
        try await queue.submit(body)
    }

    func close() async {
        await queue.close()
        await checkpointer.stop()
        _ = try? await writer.query("PRAGMA optimize")
        for connection in readers + [writer] {
            try? await connection.close()
        }
        queue.executor.stop()
        try? await writerThreads.pool.shutdownGracefully()
        try? await writerThreads.loop.shutdownGracefully()
    }
}
