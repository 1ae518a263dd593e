import Foundation
import HelpDeskMail
import XCTest

/// The authored sample messages in `Fixtures/`, loaded as raw bytes.
enum Fixtures {
    static let directory: URL = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("The Fixtures folder is missing from the test bundle")
        }
        return url
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func message(_ name: String) throws -> MailMessage {
        try MailMessage(parsing: bytes(name))
    }

    static func all() throws -> [(name: String, bytes: [UInt8])] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".eml") }
            .sorted()
            .map { ($0, try bytes($0)) }
    }
}

/// Builds a message from header lines and a body joined with `lineEnd`, for focused tests.
func mail(_ headers: [String], _ body: String = "", lineEnd: String = "\r\n") throws -> MailMessage {
    try MailMessage(parsing: Array((headers.joined(separator: lineEnd) + lineEnd + lineEnd + body).utf8))
}
