import CoreMetrics
import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// The gauges that describe the help desk's backlog, read fresh from the database whenever
/// `/metrics` is scraped: the jobs waiting by kind (outgoing mail and posts among them) and how
/// long the oldest due one has waited, the feed's head, and how many events each consumer of the
/// feed is behind it.
public struct Telemetry: Sendable {
    let desk: HelpDesk

    /// Kinds always reported, at zero when none waits, so that a scrape shows the outbox empty.
    static let reportedKinds: Set<String> = [OutboxEntry.Transport.smtp.jobKind, OutboxEntry.Transport.http.jobKind]

    public func refresh() async throws {
        let now = desk.clock()
        let (queue, positions, head) = try await desk.database.read { session in
            (try await session.jobQueue(now: now), try await session.consumerPositions(), try await session.feedHead())
        }
        let seen = desk.reportedJobKinds.withLockedValue { kinds in
            kinds.formUnion(queue.map(\.kind))
            return kinds
        }
        var waiting: [String: (Int, Timestamp?)] = [:]
        for entry in queue {
            waiting[entry.kind] = (entry.waiting, entry.oldestDue)
        }
        for kind in seen {
            let (count, oldest) = waiting[kind] ?? (0, nil)
            Gauge(label: "helpdesk_jobs_waiting", dimensions: [("kind", kind)]).record(count)
            let age = oldest.map { Double(now.millisecondsSince1970 - $0.millisecondsSince1970) / 1000 } ?? 0
            Gauge(label: "helpdesk_jobs_oldest_due_seconds", dimensions: [("kind", kind)]).record(age)
        }
        Gauge(label: "helpdesk_feed_head").record(head)
        for (name, position) in positions {
            Gauge(label: "helpdesk_feed_consumer_lag_events", dimensions: [("consumer", name)]).record(head - position)
        }
    }
}
