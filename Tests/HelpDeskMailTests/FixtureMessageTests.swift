import HelpDeskMail
import XCTest

final class FixtureMessageTests: XCTestCase {
    func testGmailReplyCarriesItsThreadHeaders() throws {
        let message = try Fixtures.message("gmail-reply.eml")
        XCTAssertEqual(message.messageID, "CAF0a1=w8Lz9N7pD2xQ@mail.gmail.com")
        XCTAssertEqual(message.inReplyTo, ["ticket-1042-reply@help.example.com"])
        XCTAssertEqual(message.references, ["CAF0a1=vQx3Kq7Zk9@mail.gmail.com", "ticket-1042-reply@help.example.com"])
        XCTAssertEqual(message.subject, "Re: [#1042] Cannot export invoices to CSV")
        XCTAssertEqual(message.from, MailAddress(name: "Maria Keller", address: "maria.keller@gmail.com"))
        XCTAssertEqual(message.to, [MailAddress(name: "Support", address: "support@help.example.com")])
        XCTAssertEqual(message.date, 1_717_491_737_000)
        XCTAssertNil(message.automatic)
        XCTAssertFalse(message.isForward)
        XCTAssertTrue(message.attachments.isEmpty)
    }

    func testGmailReplyPrefersThePlainPartForTextAndTheHTMLPartForHTML() throws {
        let message = try Fixtures.message("gmail-reply.eml")
        let text = try XCTUnwrap(message.text)
        XCTAssertTrue(text.hasPrefix("Hi,\n\nThanks, the export works again"), text)
        XCTAssertTrue(text.contains("shows 1\u{202F}234,50 € instead"), text)
        XCTAssertTrue(text.contains("\n> We deployed a fix for the CSV export."), text)
        XCTAssertFalse(text.contains("\r"))
        let html = try XCTUnwrap(message.html)
        XCTAssertTrue(html.hasPrefix("<div dir=\"ltr\"><div>Hi,</div>"), html)
        XCTAssertTrue(html.contains("works again after clearing"), "soft line breaks are joined")
    }

    func testHeadersAreUnfoldedAndLookedUpWithoutCase() throws {
        let message = try Fixtures.message("gmail-reply.eml")
        XCTAssertEqual(message.headers["dkim-signature"]?.contains("\r"), false)
        XCTAssertTrue(message.headers["DKIM-SIGNATURE"]?.contains("d=gmail.com; s=20230601") ?? false)
        XCTAssertEqual(message.headers["mime-version"], "1.0")
        XCTAssertEqual(message.headers.values("Received").count, 1)
        XCTAssertEqual(Array(message.headers).first?.name, "Delivered-To")
        XCTAssertNil(message.headers["X-Not-There"])
    }

    func testOutlookReplyDecodesWindows1252QuotedPrintable() throws {
        let message = try Fixtures.message("outlook-reply.eml")
        XCTAssertEqual(message.from?.name, "Schmidt, Jürgen")
        XCTAssertEqual(message.from?.address, "J.Schmidt@corp.example.de")
        XCTAssertEqual(message.cc.map(\.address), ["anna.berg@corp.example.de", "lukas.wagner@corp.example.de"])
        XCTAssertEqual(message.cc.last?.name, "Lukas Wagner", "Outlook's single quotes are not part of the name")
        XCTAssertEqual(message.to, [MailAddress(name: nil, address: "support@help.example.com")])
        XCTAssertEqual(message.messageID, "AM6PR04MB5941C2D5E8A1B3F4C6D7E8F9A0B1@AM6PR04MB5941.eurprd04.prod.outlook.com")
        XCTAssertEqual(message.inReplyTo, ["ticket-1043-1@help.example.com"])
        XCTAssertEqual(message.headers["Thread-Index"], "AQHatl0Yx7Qm1vEfR0a8tZ1n3E2K9rG3jK4w")
        let text = try XCTUnwrap(message.text)
        XCTAssertTrue(text.contains("das Zurücksetzen hat leider nicht geklappt"), text)
        XCTAssertTrue(text.contains("geklappt – die Seite zeigt „Ungültiger Link“. Die Lizenz kostet 49 € pro Monat"), text)
        XCTAssertTrue(text.contains("Max’ Rechner"), text)
        XCTAssertTrue(text.contains("Grüße\nJürgen Schmidt\n\n-----Original Message-----"), text)
        XCTAssertTrue(try XCTUnwrap(message.html).contains("„Ungültiger Link“"))
        XCTAssertFalse(message.isForward, "an Outlook reply quotes with -----Original Message----- too")
        XCTAssertNil(message.automatic)
    }

    func testOutlookHTMLRendersAsReadablePlainText() throws {
        let message = try Fixtures.message("outlook-reply.eml")
        let plain = HTMLText.plain(try XCTUnwrap(message.html))
        XCTAssertTrue(plain.hasPrefix("Hallo,\n\ndas Zurücksetzen hat leider nicht geklappt"), plain)
        XCTAssertFalse(plain.contains("font-family"), "style content is not text")
        XCTAssertFalse(plain.contains("shapedefaults"), "conditional comments are not text")
        XCTAssertTrue(plain.contains("From: Support <support@help.example.com>\nSent: Tuesday, June 4, 2024 4:12 PM"), plain)
        XCTAssertFalse(plain.contains("\n\n\n"))
    }

    func testGmailForwardIsRecognised() throws {
        let message = try Fixtures.message("gmail-forward.eml")
        XCTAssertTrue(message.isForward)
        XCTAssertNil(message.automatic)
        XCTAssertEqual(message.to.first?.address, "support@help.example.com")
        XCTAssertEqual(message.date, 1_717_663_265_000)
    }

    func testForwardMarkersInTheBodyCountWithoutAForwardSubject() throws {
        for name in ["gmail-forward.eml", "apple-forward.eml"] {
            let raw = String(decoding: try Fixtures.bytes(name), as: UTF8.self)
            let renamed = raw.replacingOccurrences(of: "Subject: Fwd: ", with: "Subject: Please look at this: ")
            let message = try MailMessage(parsing: Array(renamed.utf8))
            XCTAssertTrue(message.isForward, name)
            let reply = raw.replacingOccurrences(of: "Subject: Fwd: ", with: "Subject: Re: Fwd: ")
            XCTAssertFalse(try MailMessage(parsing: Array(reply.utf8)).isForward, "a reply to a forward: \(name)")
        }
    }

    func testAppleMailForwardIsRecognisedAndDecoded() throws {
        let message = try Fixtures.message("apple-forward.eml")
        XCTAssertTrue(message.isForward)
        XCTAssertEqual(message.headers["Mime-Version"], "1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))")
        XCTAssertEqual(message.messageID, "9E2F1A3B-7C4D-4E5F-A6B7-C8D9E0F1A2B3@martin-design.example")
        XCTAssertTrue(try XCTUnwrap(message.text).contains("The “Read more” link leads"))
        XCTAssertTrue(try XCTUnwrap(message.html).hasSuffix("</body></html>"), "a trailing soft break leaves nothing")
    }

    func testAttachmentFilenamesUseRFC2231AndRFC2047() throws {
        let message = try Fixtures.message("attachment-rfc2231.eml")
        XCTAssertEqual(message.subject, "Facture et relevé")
        XCTAssertEqual(message.from?.name, "Élodie Dupont")
        XCTAssertEqual(message.text, "Bonjour,\n\nvoici la facture et le relevé de compte demandés.\n\nÉlodie\n")
        XCTAssertNil(message.html)
        XCTAssertEqual(message.attachments.map(\.filename), ["Résumé – 2024.pdf", "relevé de compte - juin 2024.csv"])
        XCTAssertEqual(message.attachments.map(\.contentType), ["application/pdf", "text/csv"])
        XCTAssertEqual(message.attachments.map(\.inline), [false, false])
        XCTAssertEqual(Array(message.attachments[0].data.prefix(8)), Array("%PDF-1.4".utf8))
        XCTAssertEqual(message.attachments[0].data.count, 142)
        XCTAssertEqual(String(decoding: message.attachments[1].data, as: UTF8.self).split(separator: "\n").count, 3)
    }

    func testInlineImageInRelatedPartIsMarkedInline() throws {
        let message = try Fixtures.message("inline-image.eml")
        XCTAssertEqual(message.from?.address, "kenji@example.jp")
        XCTAssertEqual(message.text, "The error looks like this:\n\n[image: screenshot.png]")
        XCTAssertTrue(try XCTUnwrap(message.html).contains("cid:screenshot.7f3a@example.jp"))
        XCTAssertEqual(message.attachments.count, 2)
        let shown = message.attachments[0]
        XCTAssertEqual(shown.filename, "screenshot.png")
        XCTAssertEqual(shown.contentID, "screenshot.7f3a@example.jp")
        XCTAssertTrue(shown.inline)
        XCTAssertEqual(Array(shown.data.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertEqual(shown.data.count, 73)
        XCTAssertFalse(message.attachments[1].inline, "a related part the HTML never references is a plain attachment")
        XCTAssertTrue(HTMLSanitizer.clean(try XCTUnwrap(message.html)).contains("<img src=\"cid:screenshot.7f3a@example.jp\""))
    }

    func testLatin1QuotedPrintableWithEncodedWordSubject() throws {
        let message = try Fixtures.message("french-latin1.eml")
        XCTAssertEqual(message.subject, "Réponse à votre demande")
        XCTAssertEqual(message.headers.decoded("Subject"), "Réponse à votre demande")
        XCTAssertEqual(message.from, MailAddress(name: "François Lévesque", address: "francois.levesque@exemple.fr"))
        XCTAssertEqual(message.to, [MailAddress(name: "Service client, Help", address: "support@help.example.com")])
        XCTAssertEqual(message.date, 1_718_006_700_000)
        XCTAssertEqual(message.text, """
            Bonjour,

            Merci pour votre réponse rapide. Le problème est résolu ; je vous en suis très reconnaissant.

            Cordialement,
            François

            """)
    }

    func testBounceFromMailerDaemonIsAutomatic() throws {
        let message = try Fixtures.message("bounce.eml")
        XCTAssertEqual(message.automatic, .bounce)
        XCTAssertEqual(message.from?.address, "MAILER-DAEMON@mx1.help.example.com")
        XCTAssertEqual(message.from?.name, "Mail Delivery System")
        XCTAssertTrue(try XCTUnwrap(message.text).hasPrefix("This is the mail system at host mx1.help.example.com."))
        XCTAssertEqual(message.attachments.map(\.contentType), ["message/delivery-status", "message/rfc822"])
        XCTAssertEqual(message.attachments.map(\.filename),
                       ["attachment.txt", "[#1044] Your request has been received.eml"])
        XCTAssertFalse(message.isForward, "the returned message inside a report is not a forward")
        XCTAssertEqual(message.date, 1_718_075_565_000)
    }

    func testOutOfOfficeReplyIsAutomatic() throws {
        let message = try Fixtures.message("out-of-office.eml")
        XCTAssertEqual(message.automatic, .autoReply)
        XCTAssertEqual(message.automatic(envelopeSender: ""), .autoReply, "auto-replies use the null sender too")
        XCTAssertEqual(message.text, "I am out of the office until 17 June with limited access to email. "
            + "For urgent matters please contact my colleague David Lee.\n")
    }

    func testMailingListMessageIsBulk() throws {
        let message = try Fixtures.message("mailing-list.eml")
        XCTAssertEqual(message.automatic, .bulk)
        XCTAssertEqual(message.automatic(envelopeSender: "announce-bounces@lists.example.org"), .bulk)
        XCTAssertEqual(message.from?.name, "Release Announcements")
        XCTAssertEqual(message.date, 1_718_305_200_000)
    }

    func testHTMLOnlyMessageHasNoTextPart() throws {
        let message = try Fixtures.message("html-tracking.eml")
        XCTAssertNil(message.text)
        XCTAssertNotNil(message.html)
        XCTAssertNil(message.automatic)
        let plain = message.plainText
        XCTAssertTrue(plain.hasPrefix("Dear customer,\nPlease verify your account, or here"), plain)
        XCTAssertFalse(plain.contains("document.cookie"))
        XCTAssertFalse(plain.contains("Account notice"), "the title is not body text")
        XCTAssertTrue(plain.contains("Regards & thanks,\nThe Shop © 2024"), plain)
    }

    func testSanitiserRemovesScriptsHandlersAndRemoteImages() throws {
        let html = try XCTUnwrap(try Fixtures.message("html-tracking.eml").html)
        let clean = HTMLSanitizer.clean(html)
        for forbidden in ["<script", "alert", "onload", "onclick", "onerror", "javascript", "track.example", "evil.example",
                          "<iframe", "frame text", "<form", "<input", "Log in", "<style", "<meta", "<base", "<link",
                          "<object", "<embed", "<svg", "svg text", "data:text", "style=", "<title", "<html", "<body"] {
            XCTAssertFalse(clean.lowercased().contains(forbidden.lowercased()), "\(forbidden) in \(clean)")
        }
        XCTAssertTrue(clean.contains("<p>Dear customer,</p>"), clean)
        XCTAssertTrue(clean.contains(
            "<a href=\"https://shop.example/account?id=7&amp;from=mail\" rel=\"noopener noreferrer\" target=\"_blank\">Open your account</a>"
        ), clean)
        XCTAssertTrue(clean.contains("<a>verify your account</a>"), clean)
        XCTAssertTrue(clean.contains("<img src=\"data:image/png;base64,iVBORw0KGgo"), clean)
        XCTAssertTrue(clean.contains("Regards &amp; thanks,<br>The Shop &copy; 2024"), clean)
        XCTAssertTrue(clean.hasSuffix("<p>Unclosed <b>bold <i>italic 3 &lt; 4\n\n</i></b></p>"), clean)
        XCTAssertEqual(Self.openTags(clean), Self.closeTags(clean), "every kept element is closed")

        let withImages = HTMLSanitizer.clean(html, allowRemoteImages: true)
        XCTAssertTrue(withImages.contains("<img src=\"https://track.example/open.gif?u=4711\" width=\"1\" height=\"1\" alt=\"\">"))
        XCTAssertFalse(withImages.contains("onerror"))
    }

    private static func openTags(_ html: String) -> [String: Int] {
        tags(html, prefix: "<").filter { !["br", "img", "hr", "col"].contains($0.key) }
    }

    private static func closeTags(_ html: String) -> [String: Int] {
        tags(html, prefix: "</")
    }

    private static func tags(_ html: String, prefix: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for piece in html.components(separatedBy: prefix).dropFirst() {
            let name = piece.prefix { $0.isLetter || $0.isNumber }
            if !name.isEmpty { counts[String(name), default: 0] += 1 }
        }
        return counts
    }
}

final class DeliveryReportTests: XCTestCase {
    func testABounceNamesTheAddressesThatFailed() throws {
        let bounce = try MailMessage(parsing: try Fixtures.bytes("bounce.eml"))
        XCTAssertEqual(bounce.failedRecipients, ["nobody@nowhere.example"])
        let exim = try MailMessage(parsing: Array("""
            From: Mail Delivery System <Mailer-Daemon@mx.example.net>\r
            X-Failed-Recipients: Gone@Example.org, other@example.org\r
            Subject: Mail delivery failed\r
            \r
            A message could not be delivered.\r

            """.utf8))
        XCTAssertEqual(exim.failedRecipients, ["gone@example.org", "other@example.org"])
        let delayed = try MailMessage(parsing: Array("""
            From: MAILER-DAEMON@mx.example.net\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r
            \r
            --b\r
            Content-Type: text/plain\r
            \r
            Still trying.\r
            --b\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; mx.example.net\r
            \r
            Final-Recipient: rfc822; slow@example.org\r
            Action: delayed\r
            Status: 4.4.1\r
            --b--\r

            """.utf8))
        XCTAssertEqual(delayed.failedRecipients, [], "a delay is not a failure")
    }
}
