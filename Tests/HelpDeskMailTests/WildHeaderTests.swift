import HelpDeskMail
import XCTest

/// Headers and bodies as senders write them, not only as the RFCs allow.
final class WildHeaderTests: XCTestCase {
    func testEncodedWordsAsSendersWriteThem() throws {
        let cases: [(String, String)] = [
            // Spaces inside an encoded word (Q encoding), as some clients send.
            ("=?UTF-8?Q?Gr=C3=BC=C3=9Fe aus K=C3=B6ln?=", "Grüße aus Köln"),
            // No separator between a word and the text after it.
            ("=?UTF-8?Q?caf=C3=A9?=ok", "caféok"),
            ("Re:=?UTF-8?Q?caf=C3=A9?=", "Re:café"),
            // An unknown charset label with UTF-8 bytes.
            ("=?x-mac-unknown?B?Y2Fmw6k=?=", "café"),
        ]
        for (raw, expected) in cases {
            let message = try mail(["From: a@example.com", "Subject: \(raw)"])
            XCTAssertEqual(message.subject, expected, raw)
        }
    }

    func testTheSenderIsNeverDropped() throws {
        let cases: [([String], String)] = [
            (["From: Ann <ann@example.org>", "From: Bob <bob@example.org>"], "ann@example.org"),
            (["From: Ann <ann@example.org>>"], "ann@example.org"),
            (["From: \"Ann <ann@example.org>"], "ann@example.org"),
            (["From: Ann Example ann@example.org"], "ann@example.org"),
            (["From: <>", "Sender: ann@example.org"], "ann@example.org"),
        ]
        for (headers, address) in cases {
            let message = try mail(headers + ["Subject: hi"], "Hello")
            XCTAssertEqual(message.from?.address, address, headers.joined(separator: " | "))
        }
    }

    func testAnEmptyTextPartLeavesTheHTMLToBeShown() throws {
        let body = "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <b>there</b></p>\r\n--b--\r\n"
        let message = try mail(["From: a@example.com", "Content-Type: multipart/alternative; boundary=b"], body)
        XCTAssertEqual(message.html?.contains("<b>there</b>"), true)
        XCTAssertNil(message.text, "a blank text part is no text part: the HTML is shown")
    }

    func testAMessageWithoutHeaderFieldsIsStillMail() throws {
        let message = try MailMessage(parsing: Array("Just some text\r\nwith no headers at all\r\n".utf8))
        XCTAssertEqual(message.text?.contains("Just some text"), true)
    }
}
