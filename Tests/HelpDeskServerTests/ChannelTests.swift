import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end: custom channels and WhatsApp against a real HTTP peer, through `Tests/compat/channels.py`.
final class ChannelTests: XCTestCase {
    func testC2CustomChannelsAndWhatsAppTakeMessagesAndSendReplies() async throws {
        let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            let script = CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/channels.py").path
            let (status, output) = try RunningServer.run(python, [script, server.baseURL, admin])
            print(output)
            XCTAssertEqual(status, 0, "channel checks failed on \(location):\n\(output)")
            XCTAssertTrue(output.contains(" passed, 0 failed"), output)
        }
    }
}
