import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLiteNIO

/// Copies committed pages from the write-ahead log into the database file, on a connection and
/// thread of its own, a moment after writes. Left to the writer, this copy and its fsyncs ran
/// inside every few hundredth commit, and held up every write queued behind it for 50 to 400
/// milliseconds on a busy help desk.
///
/// The log starts over only when a write begins with the log copied whole, which a copy running
/// beside a busy writer never achieves: the writer has always added pages since. So when the log
/// has grown past `restartFrames`, the writer is asked to copy the last few pages itself, between
/// two batches (see `WriteQueue`).
final class Checkpointer: Sendable {
    static let interval: Duration = .milliseconds(100)
    /// 32 MiB of log.
    static let restartFrames = 8_192
    /// The writer's own automatic checkpoint, should this one stop: 128 MiB of log.
    static let backstopPages = 32_768

    private struct State {
        var written = false
        var finishWanted = false
    }

    private let connection: SQLiteConnection
    private let threads: NIOThreadPool
    private let state = NIOLockedValueBox(State())
    private let loop = NIOLockedValueBox<Task<Void, Never>?>(nil)

    private init(connection: SQLiteConnection, threads: NIOThreadPool) {
        self.connection = connection
        self.threads = threads
    }

    static func start(storage: SQLiteConnection.Storage, logger: Logger) async throws -> Checkpointer {
        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, threadPool: threads, logger: logger,
                                                         on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            try? await threads.shutdownGracefully()
            throw error
        }
        let checkpointer = Checkpointer(connection: connection, threads: threads)
        checkpointer.loop.withLockedValue { $0 = Task { await checkpointer.run(logger: logger) } }
        return checkpointer
    }

    /// Called by the writer after each commit.
    func noteWrite() {
        state.withLockedValue { $0.written = true }
    }

    /// Whether the writer should copy the rest of the log now; asking clears the request.
    func takeRequestToFinish() -> Bool {
        state.withLockedValue { state in
            defer { state.finishWanted = false }
            return state.finishWanted
        }
    }

    private func run(logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.interval)
            let written = state.withLockedValue { state in
                defer { state.written = false }
                return state.written
            }
            guard written else { continue }
            do {
                // One row: busy, frames in the log, frames copied.
                guard let row = try await connection.query("PRAGMA wal_checkpoint(PASSIVE)").first,
                      let frames = row.column("log")?.integer else { continue }
                if frames >= Self.restartFrames {
                    state.withLockedValue { $0.finishWanted = true }
                }
            } catch {
                logger.debug("Background checkpoint did not run: \(error)")
            }
        }
    }

    func stop() async {
        let task = loop.withLockedValue { $0 }
        task?.cancel()
        await task?.value
        try? await connection.close()
        try? await threads.shutdownGracefully()
    }
}
