import HelpDeskCore
import HelpDeskStore

/// What one kind of job does, for the `JobRunner`.
package struct JobKind: Sendable {
    /// How the work of a job is done, which decides how often it may happen.
    package enum Work: Sendable {
        /// All of its effects are in the database: they are written in the transaction that
        /// finishes the job, so they happen exactly once, even when a server dies mid-way or two
        /// race for the job.
        case inDatabase(@Sendable (Job, StoreSession) async throws -> Void)
        /// Its effect is outside (mail, an HTTP post): done at least once, under a lease, and then
        /// `record`ed in the transaction that finishes or reschedules the job. A server that dies
        /// mid-way leaves the lease to lapse and another tries again, so what `perform` sends must
        /// let the receiver see a repeat (a Message-ID, an idempotency key).
        case outside(perform: @Sendable (Job) async throws -> Void,
                     record: @Sendable (Job, JobOutcome, StoreSession) async throws -> Void)
    }

    package let name: String
    package let work: Work
    /// Pauses after the first, second, ... failed try; after the last, the job fails for good.
    package let retryPauses: [Duration]

    package init(name: String, work: Work, retryPauses: [Duration] = JobKind.defaultRetryPauses) {
        self.name = name
        self.work = work
        self.retryPauses = retryPauses
    }

    package static let defaultRetryPauses: [Duration] = [
        .seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(4 * 3600), .seconds(12 * 3600),
    ]
}

/// How a try of a job ended.
package enum JobOutcome: Sendable, Equatable {
    case done(at: Timestamp)
    /// It failed and is tried again later; `attempts` counts the failed tries.
    case retrying(error: String, attempts: Int)
    /// It failed for good.
    case failed(error: String, attempts: Int)
}

/// Why a try of a job failed. A permanent failure is not tried again; other errors are.
package struct JobFailure: Error, CustomStringConvertible {
    package var permanent: Bool
    package var message: String

    package init(permanent: Bool, message: String) {
        self.permanent = permanent
        self.message = message
    }

    package var description: String { message }
}
