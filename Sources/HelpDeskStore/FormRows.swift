import HelpDeskCore
import SQLKit

/// Storage of web forms, one JSON document each (read whole, written rarely).
extension StoreSession {
    package func saveForm(_ form: Form) async throws {
        let json = try Self.encodeJSON(form)
        try await sql.raw("""
            INSERT INTO forms (id, channel_id, definition, archived, created_at, updated_at)
            VALUES (\(bind: form.id), \(bind: StoreError.rowID(form.channelID, of: "channels")), \(bind: json), \(bind: form.archived ? 1 : 0),
                    \(bind: form.createdAt.millisecondsSince1970), \(bind: form.updatedAt.millisecondsSince1970))
            ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, archived = excluded.archived,
                updated_at = excluded.updated_at
            """).run()
    }

    package func form(id: String) async throws -> Form? {
        try await sql.raw("SELECT definition FROM forms WHERE id = \(bind: id) AND archived = 0").first()
            .map { try Self.decodeJSON(Form.self, $0, table: "forms") }
    }

    /// Live forms, oldest first.
    package func forms() async throws -> [Form] {
        try await sql.raw("SELECT definition FROM forms WHERE archived = 0 ORDER BY created_at, id").all()
            .map { try Self.decodeJSON(Form.self, $0, table: "forms") }
    }
}
