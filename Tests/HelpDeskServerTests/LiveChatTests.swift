import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: the chat widget on a page, the chatbot, the hand-off,
/// the agent's answer over the socket, the visitor becoming a contact; through
/// `Tests/compat/live_chat.py`.
final class LiveChatTests: XCTestCase {
    func testC2C8LiveChatInARealBrowser() async throws {
        let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
        let hasBrowser = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
        if !hasBrowser, ProcessInfo.processInfo.environment["CI"] != "true" {
            throw XCTSkip("The live chat test needs Chromium: apt-get install chromium chromium-driver")
        }
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            let script = CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/live_chat.py").path
            let (status, output) = try RunningServer.run(python, [script, server.baseURL, admin])
            print(output)
            XCTAssertEqual(status, 0, "live chat checks failed on \(location):\n\(output)")
            XCTAssertTrue(output.contains(" passed, 0 failed"), output)
        }
    }
}
