import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end with a real SMTP client and a real headless Chromium, through
/// `Tests/compat/notifications.py`: a mail in French routed to the one available agent who speaks
/// it, with the reason on its page; her notification arriving live, read and followed; each
/// user's choices and a super admin's defaults. Screenshots go to `.build/screenshots`.
final class NotificationPagesTests: XCTestCase {
    func testA7A10AnEmailedTicketGoesToTheOneAvailableSkilledAgentWhoHearsOfItLiveInARealBrowser() async throws {
        try RunningServer.requireBrowser(for: "notification pages")
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let password = "notified-in-place"
            _ = try server.command(["user", "create", "--email", "root@example.com", "--first-name", "Rita", "--last-name", "Root",
                                    "--roles", "super-admin", "--password", password])
            for (email, first) in [("ann@example.com", "Ann"), ("cleo@example.com", "Cleo"), ("bob@example.com", "Bob")] {
                _ = try server.command(["user", "create", "--email", email, "--first-name", first, "--last-name", "Agent",
                                        "--roles", "help-desk", "--service-seat", "--password", password])
            }
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            try RunningServer.script("notifications.py",
                                     [server.baseURL, token, String(server.smtpPort), "root@example.com", "ann@example.com",
                                      "cleo@example.com", "bob@example.com", password, RunningServer.screenshots], on: location)
        }
    }
}
