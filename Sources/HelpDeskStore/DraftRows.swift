import HelpDeskCore
import SQLKit

/// Storage of agents' unsent replies (R4).
extension StoreSession {
    /// Keeps `draft` as its author's draft of its ticket, in place of the one before.
    package func saveDraft(_ draft: Draft) async throws {
        let user = try StoreError.rowID(draft.authorID, of: "users"), ticket = try StoreError.rowID(draft.ticketID, of: "tickets")
        let conversation = try draft.conversationID.map { try StoreError.rowID($0, of: "conversations") }
        let answered = try draft.inReplyTo.map { try StoreError.rowID($0, of: "messages") }
        try await sql.raw("""
            INSERT INTO drafts (user_id, ticket_id, conversation_id, in_reply_to, text, html, to_addresses, cc_addresses,
                                bcc_addresses, channel_id, status, updated_at)
            VALUES (\(bind: user), \(bind: ticket), \(bind: conversation), \(bind: answered), \(bind: draft.text), \(bind: draft.html),
                    \(bind: draft.to), \(bind: draft.cc), \(bind: draft.bcc), \(bind: draft.channelID), \(bind: draft.status),
                    \(bind: draft.updatedAt.millisecondsSince1970))
            ON CONFLICT (user_id, ticket_id) DO UPDATE SET
                conversation_id = excluded.conversation_id, in_reply_to = excluded.in_reply_to, text = excluded.text,
                html = excluded.html, to_addresses = excluded.to_addresses, cc_addresses = excluded.cc_addresses,
                bcc_addresses = excluded.bcc_addresses, channel_id = excluded.channel_id, status = excluded.status,
                updated_at = excluded.updated_at
            """).run()
    }

    package func draft(userID: String, ticketID: String) async throws -> Draft? {
        guard let user = Int64(userID), let ticket = Int64(ticketID) else { return nil }
        return try await sql.raw("SELECT * FROM drafts WHERE user_id = \(bind: user) AND ticket_id = \(bind: ticket)")
            .first().map(Self.draft)
    }

    /// One user's drafts, the most recently written first.
    package func drafts(userID: String, limit: Int) async throws -> [Draft] {
        guard let user = Int64(userID) else { return [] }
        return try await sql.raw("SELECT * FROM drafts WHERE user_id = \(bind: user) ORDER BY updated_at DESC LIMIT \(bind: limit)")
            .all().map(Self.draft)
    }

    package func draftCount(userID: String) async throws -> Int {
        guard let user = Int64(userID) else { return 0 }
        return try await sql.raw("SELECT COUNT(*) AS n FROM drafts WHERE user_id = \(bind: user)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    package func deleteDraft(userID: String, ticketID: String) async throws {
        let user = try StoreError.rowID(userID, of: "users"), ticket = try StoreError.rowID(ticketID, of: "tickets")
        try await sql.raw("DELETE FROM drafts WHERE user_id = \(bind: user) AND ticket_id = \(bind: ticket)").run()
    }

    static func draft(_ row: any SQLRow) throws -> Draft {
        Draft(ticketID: String(try row.decode(column: "ticket_id", as: Int64.self)),
              authorID: String(try row.decode(column: "user_id", as: Int64.self)),
              conversationID: try row.decode(column: "conversation_id", as: Int64?.self).map(String.init),
              inReplyTo: try row.decode(column: "in_reply_to", as: Int64?.self).map(String.init),
              text: try row.decode(column: "text", as: String.self), html: try row.decode(column: "html", as: String?.self),
              to: try row.decode(column: "to_addresses", as: String.self), cc: try row.decode(column: "cc_addresses", as: String.self),
              bcc: try row.decode(column: "bcc_addresses", as: String.self), channelID: try row.decode(column: "channel_id", as: String?.self),
              status: try row.decode(column: "status", as: String?.self),
              updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
