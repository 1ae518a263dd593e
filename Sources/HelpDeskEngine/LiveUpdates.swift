import HelpDeskCore
import HelpDeskStore

/// What changes in the help desk, as it commits, for the workspace's open pages: a new message,
/// an assignment, a status change, on this server or another sharing the database. Each update
/// carries its feed position, so that a page that lost its connection asks for what came after
/// the last one it had and misses nothing. A user hears only of tickets and conversations they may
/// see (R8).
public struct LiveUpdates: Sendable {
    let desk: HelpDesk

    /// One change, as a page needs it: what to refresh.
    public struct Update: Sendable, Hashable {
        public var position: Int64
        public var kind: String
        public var ticketID: String?
        public var conversationID: String?
    }

    /// What a page is told.
    public enum Signal: Sendable, Hashable {
        case updates([Update])
        /// The page was away for too long to catch up event by event: it reloads.
        case reload(position: Int64)
    }

    /// How far behind a returning page may be and still be brought up to date event by event.
    static let catchUpLimit: Int64 = 2_000
    static let pause: Duration = .milliseconds(100)
    static let kinds: [FeedEvent.Kind] = [
        .created, .propertyChanged, .stageEntered, .archived, .restored, .messageReceived, .messageSent,
        .conversationOpened, .conversationChanged, .conversationTrashed, .conversationRestored, .notified,
    ]

    /// The feed's position now: where a page that just loaded starts.
    public func head() -> Int64 {
        desk.database.feedBell.head
    }

    /// Signals after `position` (the head when `nil`), then as changes commit, until the task is
    /// cancelled or the help desk closes.
    public func follow(after position: Int64?, by caller: Caller) -> AsyncStream<Signal> {
        let desk = self.desk
        return AsyncStream(bufferingPolicy: .bufferingNewest(64)) { continuation in
            let task = Task {
                var position = position ?? desk.database.feedBell.head
                for await ring in desk.database.feedBell.listen() {
                    let head = max(ring.last, desk.database.feedBell.head)
                    // Written here, right after what was read, and of no kind a page shows: nothing to read.
                    if let kinds = ring.kinds, ring.first <= position + 1, kinds.isDisjoint(with: Self.kinds) {
                        // Only as far as this ring: a later commit may have rung since, unread.
                        position = max(position, ring.last)
                        continue
                    }
                    if head - position > Self.catchUpLimit {
                        continuation.yield(.reload(position: head))
                        position = head
                        continue
                    }
                    while position < head, !Task.isCancelled {
                        let from = position
                        do {
                            let events = try await desk.database.read { session in
                                try await session.events(after: from, through: head, kinds: Self.kinds, limit: 500)
                            }
                            let visible = try await Self.visible(events, to: caller, desk: desk)
                            if !visible.isEmpty { continuation.yield(.updates(visible)) }
                            position = events.count == 500 ? events[events.count - 1].position : head
                            // One read a moment covers a burst of commits, however many pages follow.
                            try? await Task.sleep(for: Self.pause)
                        } catch {
                            if Task.isCancelled { break }
                            desk.logger.warning("Live updates could not read the feed after \(from): \(error)")
                            try? await Task.sleep(for: .seconds(1))
                        }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The events about tickets and conversations the caller may see, as updates.
    static func visible(_ events: [FeedEvent], to caller: Caller, desk: HelpDesk) async throws -> [Update] {
        let ticketEvents = events.filter { $0.objectType == ObjectType.tickets.id }
        let ticketIDs = Set(ticketEvents.compactMap(\.recordID))
        var readable: Set<String> = []
        if !ticketIDs.isEmpty {
            do {
                // Deleted tickets too: the pages that listed one must hear that it went.
                for archived in [false, true] {
                    readable.formUnion(try await desk.records.read(
                        type: ObjectType.tickets.name, ids: Array(ticketIDs), options: ReadOptions(properties: [], archived: archived),
                        by: caller).map(\.record.id))
                }
            } catch HelpDeskError.forbidden {
                // A user without access to tickets hears of none.
            }
        }
        let me = caller.user
        // A notification is its user's alone (A10).
        var updates = events.filter { $0.kind == .notified && $0.property == me.id }.map {
            Update(position: $0.position, kind: $0.kind.rawValue, ticketID: nil, conversationID: nil)
        }
        for event in ticketEvents {
            if let ticket = event.recordID {
                // A ticket taken from the user (or their team) is out of their sight now, but their
                // lists still show it until they hear of it.
                let lostIt = event.property == "hubspot_owner_id" && event.oldValue == me.id
                    || event.property == "hubspot_team_id" && event.oldValue.map(me.teamIDs.contains) == true
                guard readable.contains(ticket) || lostIt else { continue }
            } else if let conversation = event.conversationID {
                do {
                    _ = try await desk.conversations.get(id: String(conversation), by: caller)
                } catch HelpDeskError.notFound {
                    continue
                } catch HelpDeskError.forbidden {
                    continue
                }
            } else {
                continue
            }
            updates.append(Update(position: event.position, kind: event.kind.rawValue, ticketID: event.recordID,
                                  conversationID: event.conversationID.map(String.init)))
        }
        return updates.sorted { $0.position < $1.position }
    }
}
