import HelpDeskCore
import HelpDeskStore

/// Collision: who else is viewing or replying to a ticket, across every server of the help desk.
public struct PresenceService: Sendable {
    let desk: HelpDesk

    /// The caller's page on a ticket is open (and whether they are writing a reply); answers who
    /// else is on it. Only for a ticket the caller may see.
    public func beat(ticketID: String, replying: Bool, by caller: Caller) async throws -> [(user: User, replying: Bool)] {
        guard try await !desk.records.read(type: ObjectType.tickets.name, ids: [ticketID], options: ReadOptions(properties: []),
                                           by: caller).isEmpty else {
            throw HelpDeskError.notFound("Ticket \(ticketID) does not exist, or you may not see it.")
        }
        let now = desk.clock(), userID = caller.user.id
        let present = try await desk.database.write { session in
            try await session.savePresence(Presence(ticketID: ticketID, userID: userID, replying: replying, seenAt: now))
            // Pages closed without a word (a crashed browser, a lost network) are swept by the
            // next beat of anyone: the table holds only the few pages open now.
            try await session.deletePresence(before: now.adding(milliseconds: -Presence.expiry))
            return try await session.presence(ticketID: ticketID, since: now.adding(milliseconds: -Presence.expiry))
        }
        let others = Presence.others(present, besides: userID, at: now)
        guard !others.isEmpty else { return [] }
        let users = Dictionary(try await desk.people.users().map { ($0.id, $0) }) { first, _ in first }
        return others.compactMap { presence in
            users[presence.userID].map { (user: $0, replying: presence.replying) }
        }
    }

    /// The caller closed the ticket's page.
    public func leave(ticketID: String, by caller: Caller) async throws {
        guard Int64(ticketID) != nil else { return }
        let userID = caller.user.id
        try await desk.database.write { try await $0.deletePresence(ticketID: ticketID, userID: userID) }
    }
}
