import HelpDeskCore
import HelpDeskStore
import Logging

/// Follows the feed in this server's memory, from the head at its start, for what the server
/// keeps in memory: copies of the configuration, open chat sockets. These only need to hear of
/// changes made after the server started, so the position is not stored (`FeedConsumer` is the
/// kind that stores it). Reads only the kinds of events it handles.
struct FeedFollower: Sendable {
    let database: Database
    let kinds: [FeedEvent.Kind]
    let logger: Logger
    let handle: @Sendable ([FeedEvent]) async throws -> Void

    static let batch = 500

    func run() async {
        var position = database.feedBell.head
        for await head in database.feedBell.listen() {
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
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("Could not follow the feed after \(position): \(error)")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
