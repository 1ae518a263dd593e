import HelpDeskCore
import SQLKit

/// Storage of each user's own workspace settings, by name.
extension StoreSession {
    package func userSetting(userID: String, name: String) async throws -> String? {
        guard let user = Int64(userID) else { return nil }
        return try await sql.raw("SELECT value FROM user_settings WHERE user_id = \(bind: user) AND name = \(bind: name)")
            .first()?.decode(column: "value", as: String.self)
    }

    package func saveUserSetting(userID: String, name: String, value: String, at time: Timestamp) async throws {
        let user = try StoreError.rowID(userID, of: "users")
        try await sql.raw("""
            INSERT INTO user_settings (user_id, name, value, updated_at)
            VALUES (\(bind: user), \(bind: name), \(bind: value), \(bind: time.millisecondsSince1970))
            ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """).run()
    }
}
