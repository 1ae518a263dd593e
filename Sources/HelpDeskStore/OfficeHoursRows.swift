import Foundation
import HelpDeskCore
import SQLKit

/// Storage of office hours (A6): the help desk's, an account setting, and each team's own.
extension StoreSession {
    /// A6: the help desk's office hours, and each team's that has its own.
    package func officeHours() async throws -> (helpDesk: OfficeHours?, teams: [String: OfficeHours]) {
        var teams: [String: OfficeHours] = [:]
        for row in try await sql.raw("SELECT team_id, hours FROM team_office_hours").all() {
            teams[String(try row.decode(column: "team_id", as: Int64.self))] = try Self.decoded(OfficeHours.self, row, column: "hours",
                                                                                                table: "team_office_hours")
        }
        let desk = try await accountSetting(name: Self.officeHoursSetting).map { json in
            do {
                return try JSONDecoder().decode(OfficeHours.self, from: Data(json.utf8))
            } catch {
                throw StoreError.corruptRow(table: "account_settings", detail: "\(error)")
            }
        }
        return (desk, teams)
    }

    /// Keeps a team's office hours, or the help desk's without a team; `nil` removes them.
    package func saveOfficeHours(_ hours: OfficeHours?, teamID: String?, now: Timestamp) async throws {
        guard let teamID else {
            if let hours {
                try await saveAccountSetting(name: Self.officeHoursSetting, value: try Self.encoded(hours), at: now)
            } else {
                try await sql.raw("DELETE FROM account_settings WHERE name = \(bind: Self.officeHoursSetting)").run()
            }
            return
        }
        let id = try StoreError.rowID(teamID, of: "team_office_hours")
        guard let hours else {
            try await sql.raw("DELETE FROM team_office_hours WHERE team_id = \(bind: id)").run()
            return
        }
        try await sql.raw("""
            INSERT INTO team_office_hours (team_id, hours, updated_at) VALUES (\(bind: id), \(bind: try Self.encoded(hours)), \(bind: now.millisecondsSince1970))
            ON CONFLICT (team_id) DO UPDATE SET hours = excluded.hours, updated_at = excluded.updated_at
            """).run()
    }

    static let officeHoursSetting = "office_hours"
}
