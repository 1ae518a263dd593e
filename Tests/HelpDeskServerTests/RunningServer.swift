import Foundation
import HelpDeskEngine
import XCTest

/// A `helpdesk serve` process on a free port, with its own data.
final class RunningServer {
    let process: Process
    let baseURL: String
    let smtpPort: Int
    let storageArguments: [String]
    let binary: String
    /// What the server logged until it listened (the first admin's set-up link, ...).
    let startLog: String

    /// The binary `scripts/test` builds, or the one named by `HELPDESK_BINARY`.
    static func binary() throws -> String {
        if let named = ProcessInfo.processInfo.environment["HELPDESK_BINARY"] { return named }
        let built = CompatibilityTests.packageRoot.appendingPathComponent(".build/debug/helpdesk").path
        guard FileManager.default.isExecutableFile(atPath: built) else {
            throw XCTSkip("Build the server first: swift build --product helpdesk (scripts/test does).")
        }
        return built
    }

    static func start(binary: String, location: Storage, arguments: [String] = []) throws -> RunningServer {
        let storage: [String]
        switch location {
        case .sqlite(let path): storage = ["--data-dir", (path as NSString).deletingLastPathComponent]
        case .postgres(let url): storage = ["--database", url]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--http-port", "0", "--smtp-port", "0"] + storage + arguments
        let log = Pipe()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The server logs the ports it was given; wait for both lines.
        var seen = ""
        func port(after words: String) -> String? {
            seen.range(of: words + #" 127\.0\.0\.1:(\d+)"#, options: .regularExpression).map { String(seen[$0].split(separator: ":").last!) }
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = log.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let http = port(after: "Server started and listening on"), let smtp = port(after: "accepting mail on") {
                return RunningServer(process: process, baseURL: "http://127.0.0.1:\(http)", smtpPort: Int(smtp)!,
                                     storageArguments: storage, binary: binary, startLog: seen)
            }
        }
        process.terminate()
        throw NSError(domain: "RunningServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start:\n\(seen)"])
    }

    init(process: Process, baseURL: String, smtpPort: Int, storageArguments: [String], binary: String, startLog: String) {
        self.process = process
        self.startLog = startLog
        self.baseURL = baseURL
        self.smtpPort = smtpPort
        self.storageArguments = storageArguments
        self.binary = binary
    }

    /// Runs a `helpdesk` command against the same data and returns its standard output.
    func command(_ arguments: [String]) throws -> String {
        let (status, output) = try Self.run(binary, arguments + storageArguments, errorsToOutput: false)
        guard status == 0 else { throw NSError(domain: "helpdesk", code: Int(status), userInfo: [NSLocalizedDescriptionKey: output]) }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    static func run(_ executable: String, _ arguments: [String], errorsToOutput: Bool = true) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorsToOutput ? output : FileHandle.standardError
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Skips a browser test where Chromium is missing, except on CI, where it must be there.
    static func requireBrowser(for test: String) throws {
        let hasBrowser = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
        if !hasBrowser, ProcessInfo.processInfo.environment["CI"] != "true" {
            throw XCTSkip("The \(test) test needs Chromium: apt-get install chromium chromium-driver")
        }
    }

    /// Where the browser tests save their screenshots.
    static let screenshots = CompatibilityTests.packageRoot.appendingPathComponent(".build/screenshots").path

    /// The first admin's set-up link a fresh install printed in `log`.
    static func setupPath(in log: String) throws -> String {
        String(log[try XCTUnwrap(log.range(of: #"/setup/[A-Za-z0-9_-]{43}"#, options: .regularExpression),
                                 "a fresh install prints the first admin's link:\n\(log)")])
    }

    /// Runs one of the end-to-end scripts of `Tests/compat` with the test Python and fails the
    /// test unless every check of it passed.
    static func script(_ name: String, _ arguments: [String], on location: Storage,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
        let path = CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/\(name)").path
        let (status, output) = try run(python, [path] + arguments)
        print(output)
        XCTAssertEqual(status, 0, "\(name) failed on \(location):\n\(output)", file: file, line: line)
        XCTAssertTrue(output.contains(" passed, 0 failed"), output, file: file, line: line)
    }
}
