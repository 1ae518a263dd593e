import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end with a real SMTP client, a real relay and a real headless Chromium, through
/// `Tests/compat/automation.py`: a stage action set up on the pipeline's automation page, a
/// ticket moved there, and the customer's mail arriving at the relay; W1's switch, a comment,
/// a dry run, the ticket's run history, and an agent who may only read. Screenshots go to
/// `.build/screenshots`.
final class AutomationPagesTests: XCTestCase {
    func testW2W3W6AStageActionSetUpInTheBrowserMailsTheCustomerWhenATicketEntersTheStage() async throws {
        try RunningServer.requireBrowser(for: "automation page")
        guard let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] else {
            throw XCTSkip("Set HELPDESK_TEST_PYTHON to a Python with aiosmtpd and selenium.")
        }
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let relay = try TestRelay.start(python: python)
            defer { relay.stop() }
            let server = try RunningServer.start(binary: binary, location: location, arguments: relay.serverArguments)
            defer { server.stop() }
            let password = "stages-that-act"
            _ = try server.command(["user", "create", "--email", "root@example.com", "--first-name", "Rita", "--last-name", "Root",
                                    "--roles", "super-admin", "--password", password])
            _ = try server.command(["user", "create", "--email", "ann@example.com", "--first-name", "Ann", "--last-name", "Agent",
                                    "--roles", "help-desk", "--service-seat", "--password", password])
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            try RunningServer.script("automation.py",
                                     [server.baseURL, token, String(server.smtpPort), "root@example.com", "ann@example.com", password,
                                      relay.directory.path, RunningServer.screenshots], on: location)
        }
    }
}
