import HelpDeskCore
import HelpDeskMail
import HelpDeskStore
import ServiceLifecycle

/// Runs the jobs of the kinds it knows, on every server: as soon as a write that schedules one
/// commits (here, or on another server through PostgreSQL's notifications), when a delayed job
/// comes due, and when a lapsed lease lets one be tried again. Between those it sleeps. A job is
/// claimed by one server (see `Job`); a failed try is retried after the kind's pauses, then the
/// job is kept as failed.
public struct JobRunner: Service, Sendable {
    let desk: HelpDesk
    let kinds: [String: JobKind]

    package init(desk: HelpDesk, kinds: [JobKind]) {
        self.desk = desk
        self.kinds = Dictionary(kinds.map { ($0.name, $0) }) { first, _ in first }
    }

    /// The help desk's own jobs: posts to channels' services, workflows' steps and webhooks, and
    /// outgoing mail when there is a relay to send it through (without one it waits in the outbox).
    public init(desk: HelpDesk, relay: SMTPRelay?) {
        self.init(desk: desk, kinds: [ChannelDelivery(desk: desk).jobs, WorkflowStep.job(desk), WorkflowWebhook.job(desk)]
                  + (relay.map { [MailDelivery.jobs(desk: desk, relay: $0)] } ?? []))
    }

    static let lease: Duration = .seconds(300)
    static let batch = 16
    /// The longest sleep, in case a notification was missed.
    static let longestSleep: Duration = .seconds(60)

    public func run() async throws {
        await cancelWhenGracefulShutdown { await runUntilCancelled() }
    }

    func runUntilCancelled() async {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let rings = desk.database.jobBell.listen()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in rings { wake.yield() }
                wake.finish()
            }
            wake.yield()
            var alarm: Task<Void, Never>?
            for await _ in wakes {
                await runDue()
                alarm?.cancel()
                let pause = await pauseUntilNextJob()
                alarm = Task {
                    try? await Task.sleep(for: pause)
                    if !Task.isCancelled { wake.yield() }
                }
            }
            alarm?.cancel()
            group.cancelAll()
        }
    }

    private var inDatabase: [String] {
        kinds.values.compactMap { if case .inDatabase = $0.work { $0.name } else { nil } }.sorted()
    }

    private var outside: [String] {
        kinds.values.compactMap { if case .outside = $0.work { $0.name } else { nil } }.sorted()
    }

    /// Runs every job due now. Jobs in the database run a few at a time, each in its own
    /// transaction: on SQLite the writer commits them together, on PostgreSQL they run side by side.
    func runDue() async {
        while !Task.isCancelled, await runOutside() == Self.batch {}
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.concurrentJobs {
                group.addTask {
                    while !Task.isCancelled, await runOneInDatabase() {}
                }
            }
        }
    }

    static let concurrentJobs = 8

    private func pauseUntilNextJob() async -> Duration {
        let names = kinds.keys.sorted()
        do {
            guard let next = try await desk.database.read({ try await $0.nextJobTime(kinds: names) }) else { return Self.longestSleep }
            let wait = next.millisecondsSince1970 - desk.clock().millisecondsSince1970
            return min(.milliseconds(max(wait, 0)), Self.longestSleep)
        } catch {
            desk.logger.error("Could not read when the next job is due: \(error)")
            return .seconds(1)
        }
    }

    /// Leases a batch of due jobs whose work is outside and does them side by side; returns how
    /// many it took.
    private func runOutside() async -> Int {
        let names = outside
        guard !names.isEmpty else { return 0 }
        let leased: [Job]
        do {
            let now = desk.clock()
            leased = try await desk.database.write { session in
                try await session.leaseDueJobs(kinds: names, now: now, lease: Self.lease, limit: Self.batch)
            }
        } catch {
            desk.logger.error("Could not claim jobs: \(error)")
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for job in leased {
                guard let kind = kinds[job.kind], case .outside(let perform, let record) = kind.work else { continue }
                group.addTask {
                    var failure: (any Error)?
                    do {
                        try await perform(job)
                    } catch {
                        failure = error
                    }
                    await settle(job, of: kind, failure: failure, record: record)
                }
            }
        }
        return leased.count
    }

    /// Does one due job whose effects are all in the database, in the transaction that finishes
    /// it; returns whether there was one. A failed try is undone to a savepoint and recorded in
    /// the same transaction, so that no other runner takes the job up before its pause.
    private func runOneInDatabase() async -> Bool {
        let names = inDatabase
        guard !names.isEmpty else { return false }
        let now = desk.clock()
        let kinds = self.kinds
        let logger = desk.logger
        do {
            return try await desk.database.write { session in
                guard let job = try await session.lockDueJob(kinds: names, now: now) else { return false }
                guard let kind = kinds[job.kind], case .inDatabase(let work) = kind.work else { return false }
                if let failure = try await session.undoingOnFailure({ try await work(job, session) }) {
                    let (outcome, retryAt) = Self.outcome(of: job, kind: kind, failure: failure, at: now)
                    if case .retrying(let error, _) = outcome { logger.warning("Job \(job.id) (\(job.kind) \(job.payload)) failed: \(error)") }
                    if case .failed(let error, _) = outcome { logger.warning("Job \(job.id) (\(job.kind) \(job.payload)) failed for good: \(error)") }
                    try await session.jobFailed(job, error: Self.message(of: failure), retryAt: retryAt, now: now)
                } else {
                    try await session.finishJob(job)
                }
                return true
            }
        } catch {
            desk.logger.error("Could not run a job: \(error)")
            return false
        }
    }

    /// How a try ended, and when the next is due if there is one.
    static func outcome(of job: Job, kind: JobKind, failure: (any Error)?, at now: Timestamp) -> (JobOutcome, Timestamp?) {
        guard let failure else { return (.done(at: now), nil) }
        let message = message(of: failure)
        let permanent = (failure as? JobFailure)?.permanent ?? false
        let pause = permanent ? nil : kind.retryPauses.dropFirst(job.attempts).first
        let retryAt = pause.map { now.adding(milliseconds: $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) }
        return (retryAt == nil ? .failed(error: message, attempts: job.attempts + 1) : .retrying(error: message, attempts: job.attempts + 1),
                retryAt)
    }

    static func message(of failure: any Error) -> String {
        (failure as? JobFailure)?.message ?? "\(failure)"
    }

    /// Finishes or reschedules a job whose work was outside, with what its kind records of the outcome.
    private func settle(_ job: Job, of kind: JobKind, failure: (any Error)?,
                        record: @escaping @Sendable (Job, JobOutcome, StoreSession) async throws -> Void) async {
        let now = desk.clock()
        let (outcome, retryAt) = Self.outcome(of: job, kind: kind, failure: failure, at: now)
        if let failure {
            desk.logger.warning("Job \(job.id) (\(job.kind) \(job.payload)) failed: \(Self.message(of: failure))")
        }
        do {
            try await desk.database.write { session in
                switch outcome {
                case .done:
                    try await session.finishJob(job)
                case .retrying(let error, _), .failed(let error, _):
                    try await session.jobFailed(job, error: error, retryAt: retryAt, now: now)
                }
                try await record(job, outcome, session)
            }
        } catch {
            // The lease lapses and the job is tried again.
            desk.logger.error("Could not record how job \(job.id) went: \(error)")
        }
    }
}
