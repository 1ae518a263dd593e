import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end: a form made through the API, its public page fetched and sent as a browser would,
/// through `Tests/compat/forms.py`.
final class FormTests: XCTestCase {
    func testC2FormsFromTheirPublicPagesBecomeTickets() async throws {
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            try RunningServer.script("forms.py", [server.baseURL, admin], on: location)
        }
    }
}
