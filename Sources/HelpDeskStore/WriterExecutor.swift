import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The thread the single SQLite writer's transactions run on. Every write passes through one
/// transaction at a time, so its steps are the part of a busy server that cannot run in parallel.
/// On the shared pool each step between two statements waited its turn behind request handling
/// (JSON, routing, responses); on a thread of its own, whose event loop also receives the
/// writer's statement results, it goes on at once.
final class WriterExecutor: TaskExecutor {
    let eventLoop: any EventLoop
    private let stopped = NIOLockedValueBox(false)

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        // A loop that has shut down drops what it is given; work that arrives after shutdown
        // (a write refused as too late) still has to run to report so.
        guard !stopped.withLockedValue({ $0 }) else {
            globalConcurrentExecutor.enqueue(job)
            return
        }
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }

    /// Called before the event loop shuts down.
    func stop() {
        stopped.withLockedValue { $0 = true }
    }
}
