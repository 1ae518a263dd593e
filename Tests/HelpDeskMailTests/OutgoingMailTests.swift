import HelpDeskMail
import XCTest

/// What the help desk writes into the mail it sends.
final class OutgoingMailTests: XCTestCase {
    func testSubjectsAndNamesCannotAddHeaderFields() {
        let mail = OutgoingMail(from: MailAddress(name: "Support\r\nX-Evil: 1", address: "support@example.com"),
                                to: [MailAddress(name: nil, address: "cleo@example.org")], subject: "Re: Order\r\nBcc: eve@example.net",
                                text: "Hello", messageID: "hd.1@example.com", date: 0)
        let wire = String(decoding: mail.rendered(), as: UTF8.self)
        XCTAssertFalse(wire.contains("\r\nBcc:"), wire)
        XCTAssertFalse(wire.contains("\r\nX-Evil:"), wire)
    }
}
