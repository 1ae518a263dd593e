import Logging
import NIOConcurrencyHelpers

/// Keeps PostgreSQL's planner statistics in step with large writes. Right after a bulk load the
/// tables have none (autovacuum gets to them a minute or more later), and the planner's guesses
/// turned a 15 ms filtered search into one of 12 s. So each time the rows added since the last
/// analysis reach a fifth of those counted then (and at least 500), the tables are analysed
/// again in the background, one analysis at a time; and once when the server starts.
final class PlannerStatistics: Sendable {
    private struct State {
        var sinceLast = 0
        var atLast = 0
        var running = false
    }

    private let state = NIOLockedValueBox(State())
    static let tables = "records, record_values, events, associations, conversations, messages"

    /// Counts rows a committed write added; returns true when an analysis is due now (the caller
    /// runs it and then calls `analysed`).
    func note(_ rows: Int) -> Bool {
        guard rows > 0 else { return false }
        return state.withLockedValue { state in
            state.sinceLast += rows
            guard !state.running, state.sinceLast >= max(500, state.atLast / 5) else { return false }
            state.running = true
            return true
        }
    }

    /// An analysis began; what was counted is now covered.
    func begin() -> Int {
        state.withLockedValue { state in
            defer { state.sinceLast = 0 }
            return state.sinceLast
        }
    }

    func analysed(covering rows: Int) {
        state.withLockedValue { state in
            state.atLast += rows
            state.running = false
        }
    }

    /// Marks an analysis as running (at start), so that none begins beside it.
    func start() -> Bool {
        state.withLockedValue { state in
            guard !state.running else { return false }
            state.running = true
            return true
        }
    }
}
