import Foundation
import HelpDeskStore
import XCTest

/// A `helpdesk serve` process on a free port, with its own data.
final class RunningServer {
    let process: Process
    let baseURL: String
    let storageArguments: [String]
    let binary: String

    /// The binary `scripts/test` builds, or the one named by `HELPDESK_BINARY`.
    static func binary() throws -> String {
        if let named = ProcessInfo.processInfo.environment["HELPDESK_BINARY"] { return named }
        let built = CompatibilityTests.packageRoot.appendingPathComponent(".build/debug/helpdesk").path
        guard FileManager.default.isExecutableFile(atPath: built) else {
            throw XCTSkip("Build the server first: swift build --product helpdesk (scripts/test does).")
        }
        return built
    }

    static func start(binary: String, location: Database.Location) throws -> RunningServer {
        let storage: [String]
        switch location {
        case .sqlite(let path): storage = ["--data-dir", (path as NSString).deletingLastPathComponent]
        case .postgres(let url): storage = ["--database", url]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--http-port", "0"] + storage
        let log = Pipe()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The server logs the port it was given; wait for that line.
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = log.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                let port = seen[range].split(separator: ":").last!
                return RunningServer(process: process, baseURL: "http://127.0.0.1:\(port)", storageArguments: storage, binary: binary)
            }
        }
        process.terminate()
        throw NSError(domain: "RunningServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start:\n\(seen)"])
    }

    init(process: Process, baseURL: String, storageArguments: [String], binary: String) {
        self.process = process
        self.baseURL = baseURL
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
}
