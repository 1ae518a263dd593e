import HelpDeskCore
import NIOConcurrencyHelpers

/// What one write causes besides its rows: the events it appends to the feed, which get their
/// positions only as it commits, the jobs it schedules, and what is to happen once it has
/// committed (waking workers and live updates). A write body adds to these through its `StoreSession`; `Database.write` settles
/// them, so that no write can forget them.
///
/// A write body may run more than once: when a SQLite group commit is rolled back for another
/// write's failure, and when PostgreSQL gives a transaction up for a deadlock or a serialization
/// failure. Each run gets effects of its own, and nothing of a run that did not commit happens,
/// so bodies must keep their side effects (mail, HTTP, memory shared with others) in `afterCommit`.
final class WriteEffects: Sendable {
    private struct State {
        var events: [FeedEvent] = []
        var afterCommit: [@Sendable () -> Void] = []
        var written: (first: Int64, last: Int64, kinds: Set<FeedEvent.Kind>)?
        var addedJobs = false
        var addedRows = 0
    }

    private let state = NIOLockedValueBox(State())
    /// The writing process, as its notifications name it (`FeedBell.origin`).
    let origin: String

    init(origin: String) {
        self.origin = origin
    }

    func append(_ events: [FeedEvent]) {
        state.withLockedValue { $0.events.append(contentsOf: events) }
    }

    /// Where the effects stand, to go back to if what follows is undone.
    struct Mark {
        var events: Int
        var afterCommit: Int
        var addedJobs: Bool
        var addedRows: Int
    }

    func mark() -> Mark {
        state.withLockedValue { Mark(events: $0.events.count, afterCommit: $0.afterCommit.count, addedJobs: $0.addedJobs, addedRows: $0.addedRows) }
    }

    func restore(_ mark: Mark) {
        state.withLockedValue { state in
            state.events.removeLast(state.events.count - mark.events)
            state.afterCommit.removeLast(state.afterCommit.count - mark.afterCommit)
            state.addedJobs = mark.addedJobs
            state.addedRows = mark.addedRows
        }
    }

    func afterCommit(_ action: @escaping @Sendable () -> Void) {
        state.withLockedValue { $0.afterCommit.append(action) }
    }

    /// Hands the events over for writing, leaving none behind.
    func takeEvents() -> [FeedEvent] {
        state.withLockedValue { state in
            defer { state.events = [] }
            return state.events
        }
    }

    func noteRows(_ count: Int) {
        state.withLockedValue { $0.addedRows += count }
    }

    /// Rows of the bulk inserts (records, their values, events), for the planner's statistics.
    var addedRows: Int {
        state.withLockedValue { $0.addedRows }
    }

    func noteJobs() {
        state.withLockedValue { $0.addedJobs = true }
    }

    /// Whether the write scheduled jobs, for waking the job runners once it commits.
    var addedJobs: Bool {
        state.withLockedValue { $0.addedJobs }
    }

    func noteWritten(first: Int64, last: Int64, kinds: Set<FeedEvent.Kind>) {
        state.withLockedValue { $0.written = (first, last, kinds) }
    }

    /// The positions and kinds of the events written, if any.
    var written: (first: Int64, last: Int64, kinds: Set<FeedEvent.Kind>)? {
        state.withLockedValue { $0.written }
    }

    func takeAfterCommit() -> [@Sendable () -> Void] {
        state.withLockedValue { state in
            defer { state.afterCommit = [] }
            return state.afterCommit
        }
    }
}
