import Foundation
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// End to end: the built `helpdesk` binary, started as a user would, driven by the official CRM
/// Python client through `Tests/compat/crm_client_compat.py`.
final class CompatibilityTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testOfficialCRMClientWorksUnchanged() async throws {
        guard let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] else {
            throw XCTSkip("Set HELPDESK_TEST_PYTHON to a Python with hubspot-api-client 12.0.0 (scripts/test does).")
        }
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            let limited = try server.command(["token", "create", "--email", "sales@example.com", "--roles", "workflow"])
            let script = Self.packageRoot.appendingPathComponent("Tests/compat/crm_client_compat.py").path
            let (status, output) = try RunningServer.run(python, [script, server.baseURL, admin, limited])
            print(output)
            XCTAssertEqual(status, 0, "compatibility checks failed on \(location):\n\(output)")
            XCTAssertTrue(output.contains(" passed, 0 failed"), output)
        }
    }
}
