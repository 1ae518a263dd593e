import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: the reply editor in rich text (R3), its toolbar and
/// shortcuts, a draft with formatting kept across a reload, and the email's HTML part at a real
/// relay; through `Tests/compat/rich_text.py`. Screenshots go to `.build/screenshots`.
final class RichTextTests: XCTestCase {
    func testR3AReplyWrittenInRichTextReachesTheCustomerWithItsFormatting() async throws {
        try RunningServer.requireBrowser(for: "rich text")
        let binary = try RunningServer.binary()
        let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
        try await TestDatabases.eachLocation { location in
            // The customer's side: a real SMTP relay that keeps what the help desk sends.
            let relay = try TestRelay.start(python: python)
            defer { relay.stop() }
            let server = try RunningServer.start(binary: binary, location: location, arguments: relay.serverArguments)
            defer { server.stop() }
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            try RunningServer.script("rich_text.py", [server.baseURL, String(server.smtpPort), try RunningServer.setupPath(in: server.startLog),
                                                      token, RunningServer.screenshots, relay.directory.path],
                                     on: location)
        }
    }
}
