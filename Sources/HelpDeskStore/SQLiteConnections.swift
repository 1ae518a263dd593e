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
    let gate = WriterGate()
    let nextReader = NIOLockedValueBox(0)

    init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers
    }

    static func open(storage: SQLiteConnection.Storage, logger: Logger) async throws -> SQLiteConnections {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        let writer = try await SQLiteConnection.open(storage: storage, threadPool: .singleton, logger: logger, on: eventLoop)
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                       "PRAGMA busy_timeout=5000"] {
            _ = try await writer.query(pragma)
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<4 {
            let reader = try await SQLiteConnection.open(storage: storage, threadPool: .singleton, logger: logger, on: eventLoop)
            _ = try await reader.query("PRAGMA query_only=ON")
            readers.append(reader)
        }
        return SQLiteConnections(writer: writer, readers: readers)
    }

    func reader() -> any SQLDatabase {
        let index = nextReader.withLockedValue { value in
            value = (value + 1) % readers.count
            return value
        }
        return readers[index].sql(queryLogLevel: nil)
    }

    func withWriter<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        await gate.enter()
        defer { gate.leave() }
        return try await body(writer.sql(queryLogLevel: nil))
    }

    func close() async {
        for connection in readers + [writer] {
            try? await connection.close()
        }
    }
}

/// Lets one task at a time through, in arrival order.
final class WriterGate: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLockedValue { state in
                if state.busy {
                    state.waiting.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    func leave() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
