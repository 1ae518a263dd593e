import Foundation
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// End to end: replies leave through a real relay (aiosmtpd, `Tests/compat/relay.py`) and the
/// customer's answers thread back, through `Tests/compat/outbound_mail.py`.
final class OutboundMailTests: XCTestCase {
    func testR1R2R6RepliesLeaveThroughTheRelayAndAnswersThreadBack() async throws {
        guard let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] else {
            throw XCTSkip("Set HELPDESK_TEST_PYTHON to a Python with aiosmtpd (scripts/test does).")
        }
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let relay = try TestRelay.start(python: python)
            defer { relay.stop() }
            let server = try RunningServer.start(binary: binary, location: location, arguments: relay.serverArguments)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            let script = CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/outbound_mail.py").path
            let (status, output) = try RunningServer.run(python, [script, server.baseURL, String(server.smtpPort), admin, relay.directory.path])
            print(output)
            XCTAssertEqual(status, 0, "outbound mail checks failed on \(location):\n\(output)")
            XCTAssertTrue(output.contains(" passed, 0 failed"), output)
        }
    }
}
