import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: the admins' channels page, through
/// `Tests/compat/settings_channels.py`, with an admin who has account access only (no help-desk
/// access) and an agent who has help-desk access only. Screenshots go to `.build/screenshots`.
final class ChannelSettingsTests: XCTestCase {
    func testC1AdminConnectsChangesAndDisconnectsChannelsInARealBrowserAndAnAgentIsRefused() async throws {
        try RunningServer.requireBrowser(for: "channels page")
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location, arguments: ["--public-url", "https://help.example.com"])
            defer { server.stop() }
            let password = "channels-in-place"
            _ = try server.command(["user", "create", "--email", "ines@example.com", "--first-name", "Ines", "--last-name", "Admin",
                                    "--roles", "account-access", "--password", password])
            _ = try server.command(["user", "create", "--email", "ann@example.com", "--first-name", "Ann", "--last-name", "Agent",
                                    "--roles", "help-desk", "--password", password])
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            try RunningServer.script("settings_channels.py",
                                     [server.baseURL, token, "ines@example.com", "ann@example.com", password, RunningServer.screenshots], on: location)
        }
    }
}
