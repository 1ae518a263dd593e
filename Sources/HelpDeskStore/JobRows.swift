import HelpDeskCore
import SQLKit

/// A piece of work to do once, now or later: sending a message, a delayed step of a workflow.
/// Jobs are written in the transaction that causes them, so none is lost, and survive restarts.
package struct Job: Sendable, Equatable {
    package var id: Int64
    /// What to do, as the job runner knows it (`mail.deliver`, ...).
    package var kind: String
    /// What to do it with, as the kind reads it (an id, a small JSON object).
    package var payload: String
    package var runAt: Timestamp
    /// Tries that failed so far.
    package var attempts: Int
}

/// A job to schedule.
package struct NewJob: Sendable {
    package var kind: String
    package var payload: String
    package var runAt: Timestamp
    /// While a job with this key waits, another with the same key is not added.
    package var dedupeKey: String?

    package init(kind: String, payload: String, runAt: Timestamp, dedupeKey: String? = nil) {
        self.kind = kind
        self.payload = payload
        self.runAt = runAt
        self.dedupeKey = dedupeKey
    }
}

/// The job queue. A job is claimed in one of two ways: locked for the transaction that does its
/// work and deletes it (work whose effects are all in the database, so they commit exactly once),
/// or leased for a while (work outside, such as mail, done at least once: if the server dies, the
/// lease lapses and another server tries again). On PostgreSQL claims skip the rows another
/// server holds (`FOR UPDATE SKIP LOCKED`); on SQLite the single writer claims.
extension StoreSession {
    /// Schedules a job as part of this write. Returns false when a waiting job has its dedupe key.
    @discardableResult
    package func enqueue(_ job: NewJob, now: Timestamp) async throws -> Bool {
        guard let effects else { throw StoreError.readOnly }
        let added = try await sql.raw("""
            INSERT INTO jobs (kind, payload, run_at, dedupe_key, status, attempts, created_at)
            VALUES (\(bind: job.kind), \(bind: job.payload), \(bind: job.runAt.millisecondsSince1970), \(bind: job.dedupeKey),
                    'PENDING', 0, \(bind: now.millisecondsSince1970))
            ON CONFLICT DO NOTHING RETURNING id
            """).first() != nil
        if added { effects.noteJobs() }
        return added
    }

    /// One due job of these kinds, locked until this transaction ends.
    package func lockDueJob(kinds: [String], now: Timestamp) async throws -> Job? {
        guard !kinds.isEmpty else { return nil }
        let millis = now.millisecondsSince1970
        let lock: SQLQueryString = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await sql.raw("""
            SELECT id, kind, payload, run_at, attempts FROM jobs
            WHERE status = 'PENDING' AND kind IN (\(binds: kinds)) AND run_at <= \(bind: millis)
              AND (claimed_until IS NULL OR claimed_until < \(bind: millis))
            ORDER BY run_at, id LIMIT 1\(lock)
            """).first().map(Self.job)
    }

    /// Up to `limit` due jobs of these kinds, leased until `now + lease`.
    package func leaseDueJobs(kinds: [String], now: Timestamp, lease: Duration, limit: Int) async throws -> [Job] {
        guard !kinds.isEmpty else { return [] }
        let millis = now.millisecondsSince1970
        let until = millis + lease.components.seconds * 1000
        let lock: SQLQueryString = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await sql.raw("""
            UPDATE jobs SET claimed_until = \(bind: until)
            WHERE id IN (SELECT id FROM jobs WHERE status = 'PENDING' AND kind IN (\(binds: kinds)) AND run_at <= \(bind: millis)
                           AND (claimed_until IS NULL OR claimed_until < \(bind: millis))
                         ORDER BY run_at, id LIMIT \(bind: limit)\(lock))
            RETURNING id, kind, payload, run_at, attempts
            """).all().map(Self.job)
    }

    /// The job is done: it goes.
    package func finishJob(_ job: Job) async throws {
        try await sql.raw("DELETE FROM jobs WHERE id = \(bind: job.id)").run()
    }

    /// A try of the job failed: the next is at `retryAt`, or none (`nil`) and it is kept as failed.
    /// Nothing changes if the job moved on meanwhile (another server took it up).
    package func jobFailed(_ job: Job, error: String, retryAt: Timestamp?, now: Timestamp) async throws {
        let message = String(error.prefix(1000))
        if let retryAt {
            try await sql.raw("""
                UPDATE jobs SET attempts = attempts + 1, run_at = \(bind: retryAt.millisecondsSince1970), claimed_until = NULL,
                    last_error = \(bind: message)
                WHERE id = \(bind: job.id) AND status = 'PENDING' AND attempts = \(bind: job.attempts)
                """).run()
        } else {
            try await sql.raw("""
                UPDATE jobs SET attempts = attempts + 1, status = 'FAILED', claimed_until = NULL, last_error = \(bind: message),
                    finished_at = \(bind: now.millisecondsSince1970)
                WHERE id = \(bind: job.id) AND status = 'PENDING' AND attempts = \(bind: job.attempts)
                """).run()
        }
    }

    /// When the next job of these kinds comes due (or its lease lapses), if any waits.
    package func nextJobTime(kinds: [String]) async throws -> Timestamp? {
        guard !kinds.isEmpty else { return nil }
        let row = try await sql.raw("""
            SELECT MIN(CASE WHEN claimed_until IS NOT NULL AND claimed_until > run_at THEN claimed_until + 1 ELSE run_at END) AS due
            FROM jobs WHERE status = 'PENDING' AND kind IN (\(binds: kinds))
            """).first()
        return try row?.decode(column: "due", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:))
    }

    /// How many jobs of each kind wait, and since when the oldest due one has, for `/metrics`.
    package func jobQueue(now: Timestamp) async throws -> [(kind: String, waiting: Int, oldestDue: Timestamp?)] {
        try await sql.raw("""
            SELECT kind, COUNT(*) AS waiting,
                   MIN(CASE WHEN run_at <= \(bind: now.millisecondsSince1970) THEN run_at END) AS oldest_due
            FROM jobs WHERE status = 'PENDING' GROUP BY kind ORDER BY kind
            """).all().map { row in
            (try row.decode(column: "kind", as: String.self), try row.decode(column: "waiting", as: Int.self),
             try row.decode(column: "oldest_due", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)))
        }
    }

    static func job(_ row: any SQLRow) throws -> Job {
        Job(id: try row.decode(column: "id", as: Int64.self), kind: try row.decode(column: "kind", as: String.self),
            payload: try row.decode(column: "payload", as: String.self),
            runAt: Timestamp(millisecondsSince1970: try row.decode(column: "run_at", as: Int64.self)),
            attempts: try row.decode(column: "attempts", as: Int.self))
    }
}
