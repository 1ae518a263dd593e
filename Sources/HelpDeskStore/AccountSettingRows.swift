import HelpDeskCore
import SQLKit

/// Storage of settings that hold for the whole account, by name.
extension StoreSession {
    package func accountSetting(name: String) async throws -> String? {
        try await sql.raw("SELECT value FROM account_settings WHERE name = \(bind: name)").first()?.decode(column: "value", as: String.self)
    }

    package func saveAccountSetting(name: String, value: String, at time: Timestamp) async throws {
        try await sql.raw("""
            INSERT INTO account_settings (name, value, updated_at) VALUES (\(bind: name), \(bind: value), \(bind: time.millisecondsSince1970))
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """).run()
    }
}
