@testable import HelpDeskMail
import NIOCore
import XCTest

/// What the SMTP listener answers at RCPT when the address book says no, and when it cannot say;
/// which lines start TLS.
final class SMTPSessionTests: XCTestCase {
    struct Unreachable: Error {}

    func replies(_ lines: [String], accepts: @escaping @Sendable (String) async throws -> Bool) async -> [String] {
        var session = SMTPSession(
            configuration: .init(host: "127.0.0.1", port: 0, hostname: "mx.test"), remoteAddress: nil,
            acceptsRecipient: accepts, deliver: { _, _ in })
        var answers: [String] = []
        for line in lines {
            if let reply = await session.handle(.line(ByteBuffer(string: line))).reply { answers.append(reply) }
        }
        return answers
    }

    func testAnUnknownAddressIsRefusedForGood() async {
        let answers = await replies(["EHLO client.test", "MAIL FROM:<ann@example.org>", "RCPT TO:<nobody@example.com>"]) { _ in false }
        XCTAssertTrue(answers.last?.hasPrefix("550 5.1.1") == true, answers.last ?? "")
    }

    func testAnAddressThatCannotBeCheckedIsDeferredNeverRefused() async {
        let answers = await replies(["EHLO client.test", "MAIL FROM:<ann@example.org>", "RCPT TO:<support@example.com>"]) { _ in
            throw Unreachable()
        }
        XCTAssertTrue(answers.last?.hasPrefix("451 4.3.0") == true, answers.last ?? "")
    }

    /// The line decoder stops at every line `STARTTLSGate.isStartTLS` accepts and waits for the
    /// session: a line it stops at that the session took for something else left the connection
    /// hanging, and one it read past that the session took for STARTTLS let plain text through.
    func testTLSStartsOnExactlyTheLinesTheDecoderStopsAt() async {
        let cases = ["STARTTLS": true, "starttls": true, " STARTTLS": true, "STARTTLS  ": true,
                     "STARTTLS \t": false, "STARTTLS now": false, "\u{17F}TARTTLS": false]
        for (line, starts) in cases {
            XCTAssertEqual(STARTTLSGate.isStartTLS(ByteBuffer(string: line).readableBytesView), starts, line.debugDescription)
            var session = SMTPSession(
                configuration: .init(host: "127.0.0.1", port: 0, hostname: "mx.test"), remoteAddress: nil, gate: STARTTLSGate(),
                acceptsRecipient: { _ in true }, deliver: { _, _ in })
            _ = await session.handle(.line(ByteBuffer(string: "EHLO client.test")))
            let reply = await session.handle(.line(ByteBuffer(string: line))).reply
            XCTAssertEqual(session.startsTLS, starts, line.debugDescription)
            if !starts { XCTAssertTrue(reply?.hasPrefix("501 5.5.4") == true, "\(line.debugDescription): \(reply ?? "")") }
        }
    }
}
