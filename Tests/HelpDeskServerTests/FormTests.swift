import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end: a form made through the API, its public page fetched and sent as a browser would,
/// through `Tests/compat/forms.py`.
final class FormTests: XCTestCase {
    func testC2FormsFromTheirPublicPagesBecomeTickets() async throws {
        let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            let script = CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/forms.py").path
            let (status, output) = try RunningServer.run(python, [script, server.baseURL, admin])
            print(output)
            XCTAssertEqual(status, 0, "form checks failed on \(location):\n\(output)")
            XCTAssertTrue(output.contains(" passed, 0 failed"), output)
        }
    }
}
