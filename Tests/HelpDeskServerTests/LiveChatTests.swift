import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: the chat widget on a page, the chatbot, the hand-off,
/// the agent's answer over the socket, the visitor becoming a contact; through
/// `Tests/compat/live_chat.py`.
final class LiveChatTests: XCTestCase {
    func testC2C8LiveChatInARealBrowser() async throws {
        try RunningServer.requireBrowser(for: "live chat")
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            _ = try server.command(["user", "create", "--email", "sam@example.com", "--first-name", "Sam", "--roles", "help-desk",
                                    "--password", "sams-password"])
            try RunningServer.script("live_chat.py", [server.baseURL, admin, "sam@example.com", "sams-password"], on: location)
        }
    }
}
