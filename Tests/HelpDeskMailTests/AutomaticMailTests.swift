import HelpDeskMail
import XCTest

final class AutomaticMailTests: XCTestCase {
    private let person = ["From: Jane <jane@example.com>", "To: support@help.example.com", "Subject: Question"]

    func testMailFromAPersonIsNotAutomatic() throws {
        let message = try mail(person)
        XCTAssertNil(message.automatic)
        XCTAssertNil(message.automatic(envelopeSender: "jane@example.com"))
        XCTAssertNil(message.automatic(envelopeSender: nil))
    }

    func testNullEnvelopeSenderMeansBounce() throws {
        let message = try mail(person)
        XCTAssertEqual(message.automatic(envelopeSender: ""), .bounce)
        XCTAssertEqual(message.automatic(envelopeSender: "<>"), .bounce)
        XCTAssertEqual(try mail(person + ["Return-Path: <>"]).automatic, .bounce)
    }

    func testDeliverySystemsAndReportsAreBounces() throws {
        let cases: [[String]] = [
            ["From: MAILER-DAEMON@mx.example.com", "Subject: failure"],
            ["From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>"],
            ["From: postmaster@example.com"],
            ["From: Jane <jane@example.com>", "Sender: Postmaster <POSTMASTER@example.com>"],
            ["From: a@example.com", "Content-Type: multipart/report; report-type=\"delivery-status\"; boundary=x"],
            ["From: a@example.com", "X-Failed-Recipients: b@example.com"],
            ["From: mailer-daemon@example.com", "Precedence: bulk", "Auto-Submitted: auto-replied"],
        ]
        for headers in cases {
            XCTAssertEqual(try mail(headers).automatic, .bounce, headers.joined(separator: " | "))
        }
    }

    func testAutoSubmittedAndAutoreplyHeadersMeanAutoReply() throws {
        for header in ["Auto-Submitted: auto-replied", "Auto-Submitted: Auto-Generated", "Auto-Submitted: auto-notified; owner=x",
                       "X-Autoreply: yes", "X-Autorespond: Out of office", "Precedence: auto_reply",
                       "Content-Type: multipart/report; report-type=disposition-notification; boundary=x"] {
            XCTAssertEqual(try mail(person + [header]).automatic, .autoReply, header)
        }
        XCTAssertNil(try mail(person + ["Auto-Submitted: no"]).automatic)
        XCTAssertNil(try mail(person + ["Auto-Submitted: No (sent by a person)"]).automatic)
    }

    func testAutoResponseSuppressAloneIsNotAnAutoReply() throws {
        XCTAssertNil(try mail(person + ["X-Auto-Response-Suppress: All"]).automatic)
        XCTAssertNil(try mail(person + ["X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply"]).automatic)
        let outOfOffice = ["From: Olivia <o@example.com>", "Subject: Automatic reply: Your request", "X-Auto-Response-Suppress: All"]
        XCTAssertEqual(try mail(outOfOffice).automatic, .autoReply)
        let german = ["From: o@example.de", "Subject: =?utf-8?Q?Automatische_Antwort:_Ihre_Anfrage?=", "X-Auto-Response-Suppress: OOF"]
        XCTAssertEqual(try mail(german).automatic, .autoReply)
        let ordinary = ["From: o@example.com", "Subject: Automatic reply: Your request"]
        XCTAssertNil(try mail(ordinary).automatic, "a subject alone proves nothing")
    }

    func testListAndBulkMailIsBulk() throws {
        for header in ["Precedence: bulk", "Precedence: JUNK", "Precedence: list", "List-Id: <news.example.com>",
                       "List-Unsubscribe: <mailto:leave@example.com>"] {
            XCTAssertEqual(try mail(person + [header]).automatic, .bulk, header)
        }
        XCTAssertNil(try mail(person + ["Precedence: first-class"]).automatic)
    }
}
