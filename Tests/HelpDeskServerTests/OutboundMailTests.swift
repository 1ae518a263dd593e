import Foundation
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// End to end: replies leave through a real relay (aiosmtpd, `Tests/compat/relay.py`) and the
/// customer's answers thread back, through `Tests/compat/outbound_mail.py`.
final class OutboundMailTests: XCTestCase {
    func testR1R2R6RepliesLeaveThroughTheRelayAndAnswersThreadBack() async throws {
        guard let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] else {
            throw XCTSkip("Set HELPDESK_TEST_PYTHON to a Python with aiosmtpd (scripts/test does).")
        }
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let port = try Self.freePort()
            let relay = Process()
            relay.executableURL = URL(fileURLWithPath: python)
            relay.arguments = [CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/relay.py").path, String(port), directory.path]
            relay.standardOutput = FileHandle.nullDevice
            try relay.run()
            // The test process blocks SIGTERM and its children inherit that; SIGKILL cannot be blocked.
            defer { kill(relay.processIdentifier, SIGKILL); relay.waitUntilExit() }
            try Self.waitUntilListening(port: port)
            let server = try RunningServer.start(binary: binary, location: location,
                                                 arguments: ["--smtp-relay", "127.0.0.1:\(port)", "--smtp-relay-security", "none"])
            defer { server.stop() }
            let admin = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
            let script = CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/outbound_mail.py").path
            let (status, output) = try RunningServer.run(python, [script, server.baseURL, String(server.smtpPort), admin, directory.path])
            print(output)
            XCTAssertEqual(status, 0, "outbound mail checks failed on \(location):\n\(output)")
            XCTAssertTrue(output.contains(" passed, 0 failed"), output)
        }
    }

    static func waitUntilListening(port: Int) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(socket)
            if connected { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw NSError(domain: "relay", code: 1, userInfo: [NSLocalizedDescriptionKey: "the test relay did not start on port \(port)"])
    }

    /// A port nothing listens on right now, for a peer that must be started before the server.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw NSError(domain: "relay", code: 2, userInfo: [NSLocalizedDescriptionKey: "no free port"]) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
