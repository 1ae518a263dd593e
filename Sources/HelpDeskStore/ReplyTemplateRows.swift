import HelpDeskCore
import SQLKit

/// Storage of the saved emails agents start replies from (R3).
extension StoreSession {
    package func replyTemplates() async throws -> [ReplyTemplate] {
        try await sql.raw("SELECT * FROM reply_templates ORDER BY lower(name)").all().map { row in
            ReplyTemplate(id: String(try row.decode(column: "id", as: Int64.self)), name: try row.decode(column: "name", as: String.self),
                          body: try row.decode(column: "body", as: String.self),
                          updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
        }
    }

    package func insertReplyTemplate(name: String, body: String, now: Timestamp) async throws -> ReplyTemplate {
        let row = try await sql.raw("""
            INSERT INTO reply_templates (name, body, created_at, updated_at)
            VALUES (\(bind: name), \(bind: body), \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
            RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else {
            throw StoreError.corruptRow(table: "reply_templates", detail: "insert returned no id")
        }
        return ReplyTemplate(id: String(id), name: name, body: body, updatedAt: now)
    }

    /// Returns whether there was such a template.
    package func updateReplyTemplate(id: String, name: String, body: String, now: Timestamp) async throws -> Bool {
        guard let numeric = Int64(id) else { return false }
        return try await !sql.raw("""
            UPDATE reply_templates SET name = \(bind: name), body = \(bind: body),
                updated_at = \(bind: now.millisecondsSince1970)
            WHERE id = \(bind: numeric) RETURNING id
            """).all().isEmpty
    }

    /// Returns whether there was such a template.
    package func deleteReplyTemplate(id: String) async throws -> Bool {
        guard let numeric = Int64(id) else { return false }
        return try await !sql.raw("DELETE FROM reply_templates WHERE id = \(bind: numeric) RETURNING id").all().isEmpty
    }
}
