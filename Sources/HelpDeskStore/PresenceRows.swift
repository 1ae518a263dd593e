import HelpDeskCore
import SQLKit

/// Storage of who has which ticket open, so that every server sees every agent's pages.
extension StoreSession {
    package func savePresence(_ presence: Presence) async throws {
        let ticket = try StoreError.rowID(presence.ticketID, of: "tickets"), user = try StoreError.rowID(presence.userID, of: "users")
        try await sql.raw("""
            INSERT INTO ticket_presence (ticket_id, user_id, replying, seen_at)
            VALUES (\(bind: ticket), \(bind: user), \(bind: presence.replying ? 1 : 0), \(bind: presence.seenAt.millisecondsSince1970))
            ON CONFLICT (ticket_id, user_id) DO UPDATE SET replying = excluded.replying, seen_at = excluded.seen_at
            """).run()
    }

    package func deletePresence(ticketID: String, userID: String) async throws {
        let ticket = try StoreError.rowID(ticketID, of: "tickets"), user = try StoreError.rowID(userID, of: "users")
        try await sql.raw("DELETE FROM ticket_presence WHERE ticket_id = \(bind: ticket) AND user_id = \(bind: user)").run()
    }

    /// Forgets pages not heard from since `before`, so that the table holds only open ones.
    package func deletePresence(before: Timestamp) async throws {
        try await sql.raw("DELETE FROM ticket_presence WHERE seen_at < \(bind: before.millisecondsSince1970)").run()
    }

    package func presence(ticketID: String, since: Timestamp) async throws -> [Presence] {
        guard let ticket = Int64(ticketID) else { return [] }
        return try await sql.raw("""
            SELECT user_id, replying, seen_at FROM ticket_presence
            WHERE ticket_id = \(bind: ticket) AND seen_at >= \(bind: since.millisecondsSince1970)
            """).all().map { row in
            Presence(ticketID: ticketID, userID: String(try row.decode(column: "user_id", as: Int64.self)),
                     replying: try row.decode(column: "replying", as: Int64.self) != 0,
                     seenAt: Timestamp(millisecondsSince1970: try row.decode(column: "seen_at", as: Int64.self)))
        }
    }
}
