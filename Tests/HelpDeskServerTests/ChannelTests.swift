import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end: custom channels and WhatsApp against a real HTTP peer, through `Tests/compat/channels.py`.
final class ChannelTests: XCTestCase {
    func testC2CustomChannelsAndWhatsAppTakeMessagesAndSendReplies() async throws {
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            try RunningServer.script("channels.py", [server.baseURL, admin], on: location)
        }
    }
}
