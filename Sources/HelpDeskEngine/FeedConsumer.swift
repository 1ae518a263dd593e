import HelpDeskCore
import HelpDeskStore

/// A consumer of the feed that keeps its position in the database: routing, automation,
/// notifications. Each batch of events is handled in one write transaction that also saves the
/// position after it, so the batch's effects on the database commit exactly once, whichever
/// server runs it and wherever one fails or is killed: a batch that does not commit is handled
/// again from the same position. Servers running the same consumer take turns, batch by batch
/// (the position's row is locked). Effects outside the database go in `afterCommit` (or in jobs),
/// as everywhere a write body may run again (see `Database.write`).
///
/// A new consumer starts at the head of the feed: it handles what happens from its first run on.
package struct FeedConsumer: Sendable {
    /// Names the stored position; servers running consumers of one name share it.
    package let name: String
    let handle: @Sendable ([FeedEvent], StoreSession) async throws -> Void

    package init(name: String, handle: @escaping @Sendable ([FeedEvent], StoreSession) async throws -> Void) {
        self.name = name
        self.handle = handle
    }

    static let batch = 256
}

extension HelpDesk {
    /// Runs a consumer until the task is cancelled or the help desk closes: at once, to catch up,
    /// then whenever the feed grows. A failed batch is tried again a second later.
    package func run(_ consumer: FeedConsumer) async {
        for await _ in database.feedBell.listen() {
            while !Task.isCancelled {
                do {
                    if try await consumeBatch(consumer) < FeedConsumer.batch { break }
                } catch {
                    logger.warning("Consumer \(consumer.name) failed; it goes on from its position: \(error)")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Handles the next batch of events after the consumer's position; returns how many.
    func consumeBatch(_ consumer: FeedConsumer) async throws -> Int {
        let now = clock()
        return try await database.write { session in
            let position = try await session.lockConsumerPosition(consumer.name, now: now)
            let events = try await session.events(after: position, limit: FeedConsumer.batch)
            guard let last = events.last else { return 0 }
            try await consumer.handle(events, session)
            try await session.saveConsumerPosition(consumer.name, last.position, now: now)
            return events.count
        }
    }
}
