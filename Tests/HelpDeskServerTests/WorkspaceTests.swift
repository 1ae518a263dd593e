import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: the first admin's set-up link, sign-in and sign-out,
/// the views and their counts, a reply with its draft that reaches a real relay, and on
/// PostgreSQL a change made through a second server process shown live; through
/// `Tests/compat/workspace.py`. Screenshots of the pages go
/// to `.build/screenshots`.
final class WorkspaceTests: XCTestCase {
    func testV1FirstAdminSignsInAndSeesTheViewsInARealBrowser() async throws {
        try RunningServer.requireBrowser(for: "workspace")
        let binary = try RunningServer.binary()
        let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
        try await TestDatabases.eachLocation { location in
            // The customer's side: a real SMTP relay that keeps what the help desk sends.
            let relay = try TestRelay.start(python: python)
            defer { relay.stop() }
            let server = try RunningServer.start(binary: binary, location: location, arguments: relay.serverArguments)
            defer { server.stop() }
            // On PostgreSQL a second server process shares the database: what it changes shows live on the first.
            var second: RunningServer?
            if case .postgres = location { second = try RunningServer.start(binary: binary, location: location) }
            defer { second?.stop() }
            // Each start prints a new link while nobody can sign in; the last one printed works.
            let startLog = (second ?? server).startLog
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            _ = try server.command(["team", "create", "--name", "Billing", "--members", "robot@example.com"])
            try RunningServer.script("workspace.py", [server.baseURL, String(server.smtpPort), try RunningServer.setupPath(in: startLog), token,
                                                      RunningServer.screenshots, relay.directory.path, second?.baseURL ?? ""],
                                     on: location)
        }
    }
}
