import HelpDeskCore
import HelpDeskStore
import Logging

/// Follows the feed in this server's memory, from the head at its start, for what the server
/// keeps in memory: copies of the configuration, open chat sockets. These only need to hear of
/// changes made after the server started, so the position is not stored (`FeedConsumer` is the
/// kind that stores it). Reads only the kinds of events it handles, at most once per `pause`:
/// a busy server commits hundreds of times a second, and one read covers them all.
struct FeedFollower: Sendable {
    let database: Database
    let kinds: [FeedEvent.Kind]
    let logger: Logger
    /// Whether anything in memory needs the events now; when not, they are passed over unread.
    var isNeeded: @Sendable () -> Bool = { true }
    let handle: @Sendable ([FeedEvent]) async throws -> Void

    static let batch = 500
    static let pause: Duration = .milliseconds(20)

    func run() async {
        var position = database.feedBell.head
        let wanted = Set(kinds)
        for await ring in database.feedBell.listen() {
            let head = ring.last
            // Nothing needs them, or they were written here, right after what was handled, and
            // are of no kind wanted: nothing to read.
            let passOver = !isNeeded() || ring.kinds.map { ring.first <= position + 1 && $0.isDisjoint(with: wanted) } ?? false
            if passOver {
                position = max(position, head)
                continue
            }
            while position < head, !Task.isCancelled {
                do {
                    let from = position
                    let events = try await database.read { session in
                        try await session.events(after: from, through: head, kinds: kinds, limit: Self.batch)
                    }
                    if !events.isEmpty {
                        try await handle(events)
                    }
                    // Positions commit in order: every event up to the head rung is in.
                    position = events.count == Self.batch ? events[events.count - 1].position : head
                    try? await Task.sleep(for: Self.pause)
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("Could not follow the feed after \(position): \(error)")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
