import Foundation
import HelpDeskMail
import XCTest

/// Prints a parse rate for the fixture corpus as an indication; timing is never asserted, and a
/// debug build is many times slower than the release server.
final class ParseSpeedTests: XCTestCase {
    func testParseRateOfTheFixtureCorpusIsPrinted() throws {
        let corpus = try Fixtures.all().map(\.bytes)
        let rounds = 1000
        let start = Date()
        var parsed = 0
        for _ in 0..<rounds {
            for bytes in corpus where (try? MailMessage(parsing: bytes)) != nil {
                parsed += 1
            }
        }
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(parsed, rounds * corpus.count)
        print("HelpDeskMail: parsed \(parsed) messages in \(String(format: "%.2f", seconds)) s, "
            + "\(Int(Double(parsed) / seconds)) messages/s")
    }
}
