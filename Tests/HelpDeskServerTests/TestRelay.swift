import Foundation
import XCTest

/// A real SMTP relay (aiosmtpd, `Tests/compat/relay.py`) standing in for an organisation's:
/// each message the help desk sends through it lands in `directory` as one JSON file.
final class TestRelay {
    let port: Int
    let directory: URL
    let process: Process

    /// What makes a server send through this relay.
    var serverArguments: [String] { ["--smtp-relay", "127.0.0.1:\(port)", "--smtp-relay-security", "none"] }

    init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    static func start(python: String) throws -> TestRelay {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString)")
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/relay.py").path, String(port), directory.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let relay = TestRelay(port: port, directory: directory, process: process)
        do {
            try waitUntilListening(port: port)
        } catch {
            relay.stop()
            throw error
        }
        return relay
    }

    func stop() {
        // The test process blocks SIGTERM and its children inherit that; SIGKILL cannot be blocked.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
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
