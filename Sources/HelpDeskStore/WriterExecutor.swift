import NIOConcurrencyHelpers
import NIOPosix

/// The thread the single SQLite writer's transactions run on. Every write passes through one
/// transaction at a time, so its steps are the part of a busy server that cannot run in parallel.
/// The writer's SQLite calls run on a thread pool of one thread; the transactions run on that
/// same thread, so that a statement handed to SQLite and its result handed back are two entries
/// in one thread's queue rather than two wake-ups of another thread (which, on a busy machine,
/// each wait for a core).
final class WriterExecutor: TaskExecutor {
    private let pool: NIOThreadPool
    private let stopped = NIOLockedValueBox(false)

    init(pool: NIOThreadPool) {
        self.pool = pool
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // A pool that has shut down cancels what it is given; work that arrives after shutdown
        // (a write refused as too late) still has to run to report so.
        guard !stopped.withLockedValue({ $0 }) else {
            globalConcurrentExecutor.enqueue(job)
            return
        }
        pool.submit { state in
            switch state {
            case .active: job.runSynchronously(on: self.asUnownedTaskExecutor())
            case .cancelled: globalConcurrentExecutor.enqueue(job)
            }
        }
    }

    /// Called before the thread pool shuts down.
    func stop() {
        stopped.withLockedValue { $0 = true }
    }
}
