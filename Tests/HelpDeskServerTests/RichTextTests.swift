import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: the reply editor in rich text (R3), its toolbar and
/// shortcuts, a draft with formatting kept across a reload, and the email's HTML part at a real
/// relay; through `Tests/compat/rich_text.py`. Screenshots go to `.build/screenshots`.
final class RichTextTests: XCTestCase {
    func testR3AReplyWrittenInRichTextReachesTheCustomerWithItsFormatting() async throws {
        let hasBrowser = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
        if !hasBrowser, ProcessInfo.processInfo.environment["CI"] != "true" {
            throw XCTSkip("The rich text test needs Chromium: apt-get install chromium chromium-driver")
        }
        let binary = try RunningServer.binary()
        let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
        try await TestDatabases.eachLocation { location in
            // The customer's side: a real SMTP relay that keeps what the help desk sends.
            let relay = try TestRelay.start(python: python)
            defer { relay.stop() }
            let server = try RunningServer.start(binary: binary, location: location, arguments: relay.serverArguments)
            defer { server.stop() }
            let link = try XCTUnwrap(server.startLog.range(of: #"/setup/[A-Za-z0-9_-]{43}"#, options: .regularExpression),
                                     "a fresh install prints the first admin's link:\n\(server.startLog)")
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            let shots = CompatibilityTests.packageRoot.appendingPathComponent(".build/screenshots").path
            try RunningServer.script("rich_text.py", [server.baseURL, String(server.smtpPort), String(server.startLog[link]), token, shots,
                                                      relay.directory.path],
                                    on: location)
        }
    }
}
