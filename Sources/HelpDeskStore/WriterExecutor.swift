import NIOCore
import NIOPosix

/// The thread the single SQLite writer's transactions run on. Every write passes through one
/// transaction at a time, so its steps are the part of a busy server that cannot run in parallel.
/// On the shared pool each step between two statements waited its turn behind request handling
/// (JSON, routing, responses); on a thread of its own, whose event loop also receives the
/// writer's statement results, it goes on at once.
final class WriterExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
