import HelpDeskMail
import XCTest

/// What the help desk writes into the mail it sends. R3: the files an agent attaches travel with
/// the reply as base64 parts beside its text, and come out of a MIME reader as they went in,
/// names in any script included.
final class OutgoingMailTests: XCTestCase {
    private func mail(html: String? = nil, attachments: [MailAttachment]) -> OutgoingMail {
        OutgoingMail(from: MailAddress(name: "Support", address: "support@example.com"),
                     to: [MailAddress(name: nil, address: "cleo@example.org")], subject: "Re: Order 1234",
                     text: "Here is the invoice.", html: html, messageID: "hd.1@example.com", date: 0, attachments: attachments)
    }

    func testR3ReplyCarriesAttachmentsAsBase64Parts() throws {
        let binary = (0..<3000).map { UInt8($0 % 256) }
        let long = String(repeating: "Rechnung für März ", count: 8) + "— 請求書.pdf"
        let files = [
            MailAttachment(filename: "invoice \"final\".pdf", contentType: "application/pdf", data: binary),
            MailAttachment(filename: long, contentType: "application/pdf", data: Array("%PDF-1.4".utf8)),
            MailAttachment(filename: "empty.txt", contentType: "text/plain", data: []),
        ]
        for html in [nil, "<p>Here is the <b>invoice</b>.</p>"] {
            let rendered = mail(html: html, attachments: files).rendered()
            let wire = String(decoding: rendered, as: UTF8.self)
            XCTAssertTrue(wire.contains("Content-Type: multipart/mixed; boundary="), wire)
            XCTAssertTrue(wire.contains("Content-Transfer-Encoding: base64"))
            XCTAssertFalse(wire.split(separator: "\r\n", omittingEmptySubsequences: false).contains { $0.utf8.count > 998 },
                           "no line is longer than RFC 5322 allows")
            XCTAssertFalse(wire.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends with CRLF")
            let parsed = try MailMessage(parsing: rendered)
            XCTAssertEqual(parsed.text, "Here is the invoice.")
            XCTAssertEqual(parsed.html, html)
            XCTAssertEqual(parsed.attachments.map(\.filename), files.map(\.filename))
            XCTAssertEqual(parsed.attachments.map(\.contentType), files.map(\.contentType))
            XCTAssertEqual(parsed.attachments.map(\.data), files.map(\.data))
            XCTAssertEqual(parsed.attachments.map(\.inline), [false, false, false])
        }
    }

    func testR3ReplyWithoutAttachmentsKeepsItsSimpleShape() {
        let wire = String(decoding: mail(attachments: []).rendered(), as: UTF8.self)
        XCTAssertFalse(wire.contains("multipart/mixed"))
        XCTAssertTrue(wire.contains("Content-Type: text/plain; charset=utf-8"))
    }

    func testR3AttachmentNamesCannotAddHeaderFields() {
        let file = MailAttachment(filename: "a.txt\r\nBcc: eve@example.net", contentType: "text/plain\r\nX-Evil: 1", data: [65])
        let wire = String(decoding: mail(attachments: [file]).rendered(), as: UTF8.self)
        XCTAssertFalse(wire.contains("\r\nBcc:"), wire)
        XCTAssertFalse(wire.contains("\r\nX-Evil:"), wire)
    }

    func testSubjectsAndNamesCannotAddHeaderFields() {
        let mail = OutgoingMail(from: MailAddress(name: "Support\r\nX-Evil: 1", address: "support@example.com"),
                                to: [MailAddress(name: nil, address: "cleo@example.org")], subject: "Re: Order\r\nBcc: eve@example.net",
                                text: "Hello", messageID: "hd.1@example.com", date: 0)
        let wire = String(decoding: mail.rendered(), as: UTF8.self)
        XCTAssertFalse(wire.contains("\r\nBcc:"), wire)
        XCTAssertFalse(wire.contains("\r\nX-Evil:"), wire)
    }
}
