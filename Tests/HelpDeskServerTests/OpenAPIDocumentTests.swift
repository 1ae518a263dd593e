import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end: schemathesis generates requests from `/openapi.json` and checks every answer of the
/// running server against the document, through `Tests/compat/openapi_check.py`.
final class OpenAPIDocumentTests: XCTestCase {
    func testTheDocumentMatchesWhatTheServerAnswers() async throws {
        guard ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] != nil else {
            throw XCTSkip("Set HELPDESK_TEST_PYTHON to a Python with schemathesis (scripts/test does).")
        }
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            try RunningServer.script("openapi_check.py", [server.baseURL, admin], on: location)
        }
    }
}
