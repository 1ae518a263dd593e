import NIOConcurrencyHelpers
import SQLKit

/// The single SQLite writer, with group commit. Writes wait in a queue; one drainer takes all
/// that are waiting and runs them in one transaction, so that a busy server writes its pages to
/// the log once per batch instead of once per write. A write is reported done only after its
/// batch is committed. If one write of a batch fails, the batch is rolled back, that write gets
/// its error, and the others run again one transaction each: every write still lands whole or
/// not at all. (Savepoints per write would do the same without the rerun, but they make SQLite
/// copy each touched page to a statement journal and flush the full-text index at every one.)
///
/// A write must not start another write from inside its body: it would wait for itself.
final class WriteQueue: Sendable {
    struct Job: Sendable {
        /// Runs the write; returns its error, if it failed.
        let perform: @Sendable (StoreSession) async -> (any Error)?
        /// Reports the outcome to the caller once the batch is settled.
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
        var closed = false
        var idle: [CheckedContinuation<Void, Never>] = []
        var writesSinceOptimize = 0
    }

    /// After this many writes (a batch of records counts once) the planner's statistics are
    /// refreshed (`PRAGMA optimize`, cheap when little changed), so that searches keep good plans
    /// as the data grows.
    static let writesBetweenOptimize = 1000

    static let maxBatch = 256

    private let session: StoreSession
    let executor: WriterExecutor
    private let checkpointer: Checkpointer
    private let state = NIOLockedValueBox(State())

    init(session: StoreSession, executor: WriterExecutor, checkpointer: Checkpointer) {
        self.session = session
        self.executor = executor
        self.checkpointer = checkpointer
    }

    func submit<R: Sendable>(_ body: @escaping @Sendable (StoreSession) async throws -> R) async throws -> R {
        let result = NIOLockedValueBox<R?>(nil)
        return try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                perform: { session in
                    do {
                        let value = try await body(session)
                        result.withLockedValue { $0 = value }
                        return nil
                    } catch {
                        return error
                    }
                },
                finish: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else {
                        continuation.resume(returning: result.withLockedValue { $0! })
                    }
                })
            let startDrainer = state.withLockedValue { state -> Bool? in
                guard !state.closed else { return nil }
                state.pending.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            guard let startDrainer else {
                job.finish(StoreError.closed)
                return
            }
            if startDrainer {
                Task(executorPreference: executor) { await self.drain() }
            }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLockedValue { state -> [Job] in
                guard !state.pending.isEmpty else {
                    state.draining = false
                    state.idle.forEach { $0.resume() }
                    state.idle = []
                    return []
                }
                let batch = Array(state.pending.prefix(Self.maxBatch))
                state.pending.removeFirst(batch.count)
                return batch
            }
            if batch.isEmpty { return }
            await run(batch)
            let optimize = state.withLockedValue { state in
                state.writesSinceOptimize += batch.count
                guard state.writesSinceOptimize >= Self.writesBetweenOptimize else { return false }
                state.writesSinceOptimize = 0
                return true
            }
            if optimize {
                _ = try? await session.sql.raw("PRAGMA optimize").run()
            }
            if checkpointer.takeRequestToFinish() {
                // Between batches nothing else writes: the few pages the background copy missed
                // go now, so that the next write can start the log over (once no reader still
                // holds an older snapshot).
                _ = try? await session.sql.raw("PRAGMA wal_checkpoint(PASSIVE)").run()
            }
        }
    }

    /// Refuses new writes and returns once those already queued are done, so that the writer's
    /// connection and thread can be closed under nothing.
    func close() async {
        await withCheckedContinuation { continuation in
            let done = state.withLockedValue { state in
                state.closed = true
                guard state.draining else { return true }
                state.idle.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func run(_ batch: [Job]) async {
        if let failure = await attempt(batch), batch.count > 1 {
            for (index, job) in batch.enumerated() where index != failure {
                _ = await attempt([job])
            }
        }
    }

    /// Runs the jobs in one transaction and settles them all, unless one of several fails: then
    /// nothing is committed, only the failed job is settled, and its index is returned.
    private func attempt(_ jobs: [Job]) async -> Int? {
        let db = session.sql
        do {
            try await db.raw("BEGIN IMMEDIATE").run()
        } catch {
            jobs.forEach { $0.finish(error) }
            return nil
        }
        for (index, job) in jobs.enumerated() {
            if let error = await job.perform(session) {
                try? await db.raw("ROLLBACK").run()
                job.finish(error)
                return jobs.count > 1 ? index : nil
            }
        }
        do {
            try await db.raw("COMMIT").run()
        } catch {
            try? await db.raw("ROLLBACK").run()
            jobs.forEach { $0.finish(error) }
            return nil
        }
        checkpointer.noteWrite()
        jobs.forEach { $0.finish(nil) }
        return nil
    }
}
