import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: routing's pages, through
/// `Tests/compat/settings_routing.py`: a channel's rule, an agent's routing profile, the header's
/// availability switch and why a ticket has its owner. Screenshots go to `.build/screenshots`.
final class RoutingSettingsTests: XCTestCase {
    func testA3ToA7AdminSetsARuleAndSkillsAgentsSwitchAvailabilityAndATicketSaysWhyInARealBrowser() async throws {
        try RunningServer.requireBrowser(for: "routing pages")
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let password = "routing-in-place"
            _ = try server.command(["user", "create", "--email", "ines@example.com", "--first-name", "Ines", "--last-name", "Admin",
                                    "--roles", "account-access,help-desk", "--password", password])
            for (email, first) in [("ann@example.com", "Ann"), ("bob@example.com", "Bob")] {
                _ = try server.command(["user", "create", "--email", email, "--first-name", first, "--last-name", "Agent",
                                        "--roles", "help-desk", "--service-seat", "--password", password])
            }
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            try RunningServer.script("settings_routing.py",
                                     [server.baseURL, token, "ines@example.com", "ann@example.com", "bob@example.com", password,
                                      RunningServer.screenshots], on: location)
        }
    }
}
