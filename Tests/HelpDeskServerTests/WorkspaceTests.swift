import Foundation
import HelpDeskTestSupport
import XCTest

/// End to end in a real headless Chromium: the first admin's set-up link, sign-in and sign-out,
/// the views and their counts; through `Tests/compat/workspace.py`. Screenshots of the pages go
/// to `.build/screenshots`.
final class WorkspaceTests: XCTestCase {
    func testV1FirstAdminSignsInAndSeesTheViewsInARealBrowser() async throws {
        let hasBrowser = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
        if !hasBrowser, ProcessInfo.processInfo.environment["CI"] != "true" {
            throw XCTSkip("The workspace test needs Chromium: apt-get install chromium chromium-driver")
        }
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let server = try RunningServer.start(binary: binary, location: location)
            defer { server.stop() }
            let link = try XCTUnwrap(server.startLog.range(of: #"/setup/[A-Za-z0-9_-]{43}"#, options: .regularExpression),
                                     "a fresh install prints the first admin's link:\n\(server.startLog)")
            let token = try server.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            let shots = CompatibilityTests.packageRoot.appendingPathComponent(".build/screenshots").path
            try RunningServer.script("workspace.py", [server.baseURL, String(server.smtpPort), String(server.startLog[link]), token, shots],
                                    on: location)
        }
    }
}
