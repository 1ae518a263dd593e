import HelpDeskCore
import SQLKit

/// Storage of the saved text blocks agents insert (R3).
extension StoreSession {
    package func snippets() async throws -> [Snippet] {
        try await sql.raw("SELECT * FROM snippets ORDER BY lower(name)").all().map { row in
            Snippet(id: String(try row.decode(column: "id", as: Int64.self)), name: try row.decode(column: "name", as: String.self),
                    text: try row.decode(column: "body", as: String.self),
                    updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
        }
    }

    package func insertSnippet(name: String, text: String, now: Timestamp) async throws -> Snippet {
        let row = try await sql.raw("""
            INSERT INTO snippets (name, body, created_at, updated_at)
            VALUES (\(bind: name), \(bind: text), \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970)) RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else {
            throw StoreError.corruptRow(table: "snippets", detail: "insert returned no id")
        }
        return Snippet(id: String(id), name: name, text: text, updatedAt: now)
    }

    /// Returns whether there was such a snippet.
    package func updateSnippet(id: String, name: String, text: String, now: Timestamp) async throws -> Bool {
        guard let numeric = Int64(id) else { return false }
        return try await !sql.raw("""
            UPDATE snippets SET name = \(bind: name), body = \(bind: text), updated_at = \(bind: now.millisecondsSince1970)
            WHERE id = \(bind: numeric) RETURNING id
            """).all().isEmpty
    }

    /// Returns whether there was such a snippet.
    package func deleteSnippet(id: String) async throws -> Bool {
        guard let numeric = Int64(id) else { return false }
        return try await !sql.raw("DELETE FROM snippets WHERE id = \(bind: numeric) RETURNING id").all().isEmpty
    }
}
