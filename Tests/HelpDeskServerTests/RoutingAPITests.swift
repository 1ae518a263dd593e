import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end: routing's rules, agents' profiles and decisions over the API, through `Tests/compat/routing_api.py`.
final class RoutingAPITests: XCTestCase {
    func testA3RulesProfilesAndDecisionsOverTheAPI() async throws {
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            let agent = try server.command(["token", "create", "--email", "agent@example.com", "--roles", "help-desk"])
            try RunningServer.script("routing_api.py", [server.baseURL, admin, agent], on: location)
        }
    }
}
