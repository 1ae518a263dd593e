import Foundation
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// End to end: the built binary takes mail from Python's smtplib (a real SMTP client) and the
/// API shows the conversations and tickets it became, through `Tests/compat/inbound_mail.py`.
final class InboundMailTests: XCTestCase {
    func testC1C2C3MailFromARealClientBecomesThreadedTickets() async throws {
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let tls = CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/tls")
            let certificate = tls.appendingPathComponent("test-cert.pem").path
            let server = try RunningServer.start(binary: binary, location: location, arguments: [
                "--max-message-size", "1", "--smtp-tls-certificate", certificate,
                "--smtp-tls-key", tls.appendingPathComponent("test-key.pem").path,
            ])
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            _ = try server.command(["user", "create", "--email", "ann.lee@example.com", "--first-name", "Ann", "--last-name", "Lee"])
            let teammate = try server.command(["token", "create", "--email", "ann.lee@example.com"])
            let channel = try server.command(["channel", "create", "email", "--address", "help@example.com"])
            XCTAssertFalse(channel.isEmpty)
            try RunningServer.script("inbound_mail.py", [server.baseURL, String(server.smtpPort), admin, teammate, certificate], on: location)
        }
    }
}
