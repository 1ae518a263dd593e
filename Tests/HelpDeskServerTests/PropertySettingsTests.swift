import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: the admins' properties page and the New ticket form,
/// through `Tests/compat/settings_properties.py`, with an admin who has account access (not super
/// admin) and an agent who has help-desk access only. Screenshots go to `.build/screenshots`.
final class PropertySettingsTests: XCTestCase {
    func testP1P5AdminDefinesPropertiesAndTheNewTicketFormInARealBrowserAndAnAgentIsRefused() async throws {
        try RunningServer.requireBrowser(for: "properties page")
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let password = "properties-in-place"
            _ = try server.command(["user", "create", "--email", "ines@example.com", "--first-name", "Ines", "--last-name", "Admin",
                                    "--roles", "account-access,help-desk", "--password", password])
            _ = try server.command(["user", "create", "--email", "ann@example.com", "--first-name", "Ann", "--last-name", "Agent",
                                    "--roles", "help-desk", "--password", password])
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            try RunningServer.script("settings_properties.py",
                                     [server.baseURL, token, "ines@example.com", "ann@example.com", password, RunningServer.screenshots], on: location)
        }
    }
}
