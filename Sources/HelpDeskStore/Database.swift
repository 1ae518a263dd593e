import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The help desk's database: an embedded SQLite file by default, or a PostgreSQL server shared by
/// several help desk processes. Reads may run concurrently; each write runs in one transaction.
package final class Database: Sendable {
    /// Where the data lives.
    package enum Location: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    package enum Dialect: Sendable {
        case sqlite
        case postgres
    }

    package let dialect: Dialect
    let backend: Backend
    let logger: Logger
    /// Rung with the feed's head after every commit that added events, by any server.
    package let feedBell = FeedBell()
    /// Rung after every commit that scheduled jobs, by any server.
    package let jobBell = JobBell()
    private let feedWatch = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let statistics = PlannerStatistics()
    private let analysis = NIOLockedValueBox<Task<Void, Never>?>(nil)

    enum Backend: Sendable {
        case sqlite(SQLiteConnections)
        case postgres(PostgresPool)
    }

    /// AsyncKit's pool predates Sendable annotations but is built to be shared across threads:
    /// it hands out connections per event loop under its own locks.
    final class PostgresPool: @unchecked Sendable {
        /// Writes and short reads.
        let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
        /// Searches, on connections of their own: however many search at once and however slow,
        /// they never hold a connection that a write (incoming mail, say) waits for. Each of
        /// their statements is stopped after `Database.searchTimeout`.
        let searches: EventLoopGroupConnectionPool<PostgresConnectionSource>
        /// For connections of its own, outside the pools: the feed's listener.
        let configuration: PostgresConnection.Configuration

        init(configuration: SQLPostgresConfiguration, logger: Logger) {
            pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration), maxConnectionsPerEventLoop: 4, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton)
            var limited = configuration
            limited.coreConfiguration.options.additionalStartupParameters.append(
                ("statement_timeout", String(Database.searchTimeout.components.seconds * 1000)))
            searches = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: limited), maxConnectionsPerEventLoop: 2, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton)
            self.configuration = configuration.coreConfiguration
        }

        func shutdown() async {
            try? await searches.shutdownAsync()
            try? await pool.shutdownAsync()
        }
    }

    /// How long one statement of a search may run on PostgreSQL before it is stopped.
    package static let searchTimeout: Duration = .seconds(10)

    init(dialect: Dialect, backend: Backend, logger: Logger) {
        self.dialect = dialect
        self.backend = backend
        self.logger = logger
    }

    /// Opens the database and brings its schema up to date.
    package static func open(_ location: Location, logger: Logger) async throws -> Database {
        let database: Database
        switch location {
        case .sqlite(let path):
            let connections = try await SQLiteConnections.open(storage: .file(path: path), logger: logger)
            database = Database(dialect: .sqlite, backend: .sqlite(connections), logger: logger)
        case .postgres(let url):
            let configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url)
            } catch {
                throw StoreError.badDatabaseURL(url)
            }
            database = Database(dialect: .postgres, backend: .postgres(PostgresPool(configuration: configuration, logger: logger)),
                                logger: logger)
        }
        do {
            try await Migrations.run(on: database)
            database.feedBell.ring(head: try await database.read { try await $0.feedHead() })
        } catch {
            await database.close()
            throw error
        }
        database.feedWatch.withLockedValue { $0 = Task { await database.watchFeed() } }
        if database.dialect == .postgres, database.statistics.start() {
            database.analyse(covering: 0)
        }
        return database
    }

    /// Brings the planner's statistics up to date in the background (see `PlannerStatistics`).
    private func analyse(covering rows: Int) {
        analysis.withLockedValue { analysis in
            analysis = Task {
                do {
                    try await read { try await $0.sql.raw("ANALYZE \(unsafeRaw: PlannerStatistics.tables)").run() }
                } catch {
                    if !Task.isCancelled { logger.warning("Could not refresh the planner's statistics: \(error)") }
                }
                statistics.analysed(covering: rows)
            }
        }
    }

    /// Rings the bells for commits of other processes. On PostgreSQL, a connection of its own
    /// listens for the notifications every server's writes send at commit (new events, new jobs),
    /// and catches up whenever it (re)connects. On SQLite, writes of this process ring the bell themselves;
    /// the head is read once a second for those of another process on the same file (the command
    /// line, say).
    private func watchFeed() async {
        switch backend {
        case .sqlite:
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                do {
                    feedBell.ring(head: try await read { try await $0.feedHead() })
                } catch {
                    if !Task.isCancelled { logger.warning("Could not read the feed's head: \(error)") }
                }
            }
        case .postgres(let pool):
            var connectionID = 0
            while !Task.isCancelled {
                connectionID += 1
                do {
                    let connection = try await PostgresConnection.connect(configuration: pool.configuration, id: connectionID,
                                                                          logger: logger)
                    do {
                        try await connection.listen(on: FeedBell.channel) { feed in
                            try await connection.listen(on: JobBell.channel) { jobs in
                                // Whatever was committed while nobody listened.
                                feedBell.ring(head: try await read { try await $0.feedHead() })
                                jobBell.ring()
                                try await withThrowingTaskGroup(of: Void.self) { group in
                                    group.addTask {
                                        for try await notification in feed {
                                            let words = notification.payload.split(separator: " ")
                                            // This server's own commits were rung as they happened, with their kinds.
                                            guard words.count == 3, words[2] != self.feedBell.origin,
                                                  let first = Int64(words[0]), let last = Int64(words[1]) else { continue }
                                            self.feedBell.ring(first: first, last: last, kinds: nil)
                                        }
                                    }
                                    group.addTask {
                                        for try await _ in jobs { self.jobBell.ring() }
                                    }
                                    _ = try await group.next()
                                    group.cancelAll()
                                }
                            }
                        }
                    } catch {
                        if !Task.isCancelled { logger.warning("Stopped listening to the feed: \(error)") }
                    }
                    try? await connection.close()
                } catch {
                    if !Task.isCancelled { logger.warning("Could not listen to the feed: \(error)") }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs `body` with a connection for reading.
    package func read<R: Sendable>(_ body: @escaping @Sendable (StoreSession) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(let connections):
            return try await body(StoreSession(connection: .sqlite(connections.reader())))
        case .postgres(let pool):
            return try await session(from: pool, body)
        }
    }

    /// Runs `body` with a connection for a search: on PostgreSQL, one of the searches' own, whose
    /// statements stop after `searchTimeout` (`StoreError.searchTimedOut`).
    package func search<R: Sendable>(_ body: @escaping @Sendable (StoreSession) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite:
            return try await read(body)
        case .postgres(let pool):
            do {
                return try await session(from: pool.searches, body)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "57014" {
                throw StoreError.searchTimedOut
            }
        }
    }

    /// Runs `body` on a connection of the pool, which it returns whatever happens.
    func session<R>(from pool: PostgresPool, _ body: (StoreSession) async throws -> R) async throws -> R {
        try await session(from: pool.pool, body)
    }

    func session<R>(from pool: EventLoopGroupConnectionPool<PostgresConnectionSource>,
                    _ body: (StoreSession) async throws -> R) async throws -> R {
        let connection = try await pool.requestConnection(logger: logger).get()
        defer { pool.releaseConnection(connection, logger: logger) }
        return try await body(StoreSession(connection: .postgres(connection, logger)))
    }

    /// Runs `body` in one transaction: all of its writes land, or none. Its events are written
    /// last, with their feed positions, and what it asked to do after commit is done once it has.
    /// The body may run more than once (see `WriteEffects`).
    package func write<R: Sendable>(_ body: @escaping @Sendable (StoreSession) async throws -> R) async throws -> R {
        let origin = feedBell.origin
        let run: @Sendable (StoreSession) async throws -> (R, WriteEffects) = { connection in
            let effects = WriteEffects(origin: origin)
            let session = connection.writing(effects)
            let result = try await body(session)
            try await session.finishWrite()
            return (result, effects)
        }
        let (result, effects) = try await transaction(run)
        if let written = effects.written {
            feedBell.ring(first: written.first, last: written.last, kinds: written.kinds)
        }
        if effects.addedJobs {
            jobBell.ring()
        }
        if dialect == .postgres, statistics.note(effects.addedRows) {
            analyse(covering: statistics.begin())
        }
        for action in effects.takeAfterCommit() {
            action()
        }
        return result
    }

    private func transaction<R: Sendable>(_ body: @escaping @Sendable (StoreSession) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(let connections):
            return try await connections.write(body)
        case .postgres(let pool):
            var attempt = 1
            while true {
                do {
                    return try await session(from: pool) { session in try await transaction(in: session, body) }
                } catch let error as PSQLError where attempt < Self.maxAttempts && Self.isTransient(error) {
                    // This transaction lost a race with a concurrent one: run it again.
                    logger.debug("Retrying a transaction after \(error.serverInfo?[.sqlState] ?? "")")
                    try await Task.sleep(for: .milliseconds(Int64(attempt) * 10))
                    attempt += 1
                }
            }
        }
    }

    static let maxAttempts = 4

    /// Where work that only prepares the next write is best run: the SQLite writer's own thread,
    /// so that handing it over costs no thread switch. On PostgreSQL, the shared pool.
    package var writeExecutor: any TaskExecutor {
        switch backend {
        case .sqlite(let connections): connections.queue.executor
        case .postgres: globalConcurrentExecutor
        }
    }

    /// Deadlock detected, serialization failure, or a unique index met a row that a concurrent
    /// transaction committed meanwhile: run again, the body finds that row and takes it into account.
    static func isTransient(_ error: PSQLError) -> Bool {
        ["40P01", "40001", "23505"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    func transaction<R: Sendable>(
        in session: StoreSession, _ body: @Sendable (StoreSession) async throws -> R
    ) async throws -> R {
        let db = session.sql
        try await db.raw("BEGIN").run()
        do {
            let result = try await body(session)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    package func close() async {
        let watch = feedWatch.withLockedValue { watch in
            defer { watch = nil }
            return watch
        }
        watch?.cancel()
        await watch?.value
        await analysis.withLockedValue { $0 }?.value
        feedBell.close()
        jobBell.close()
        switch backend {
        case .sqlite(let connections):
            await connections.close()
        case .postgres(let pool):
            await pool.shutdown()
        }
    }
}
