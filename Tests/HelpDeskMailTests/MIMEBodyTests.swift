import HelpDeskMail
import XCTest

final class MIMEBodyTests: XCTestCase {
    private func multipart(_ type: String, boundary: String = "b", _ parts: [String], preamble: String = "",
                           epilogue: String = "") throws -> MailMessage {
        let body = preamble + parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n" + epilogue
        return try mail(["From: a@example.com", "Content-Type: multipart/\(type); boundary=\"\(boundary)\""], body)
    }

    func testQuotedPrintableIsDecodedLeniently() throws {
        let message = try mail(
            ["From: a@example.com", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: Quoted-Printable"],
            "caf=c3=a9 =C3=A9t=C3=A9 1+1=3D2 =ZZ bad =4 end=\r\nsoft   \r\nline with blanks=  \r\njoined\r\nlast="
        )
        XCTAssertEqual(message.text, "café été 1+1=2 =ZZ bad =4 endsoft\nline with blanksjoined\nlast")
    }

    func testBase64IgnoresWhitespaceAndJunk() throws {
        let message = try mail(
            ["From: a@example.com", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: BASE64"],
            "R3L D\r\nvM*O fZSBh\r\n!dXMgS8O2bG4"
        )
        XCTAssertEqual(message.text, "Grüße aus Köln")
        let padded = try mail(["From: a@example.com", "Content-Transfer-Encoding: base64"], "YQ==Yg==\r\nYw")
        XCTAssertEqual(padded.text, "abc", "separately padded chunks are each decoded")
    }

    func testMissingContentTypeIsUTF8WhenValidElseLatin1() throws {
        XCTAssertEqual(try mail(["From: a@example.com"], "Grüße").text, "Grüße")
        let latin1 = Array("From: a@example.com\r\n\r\nGr".utf8) + [0xFC, 0xDF, 0x65, 0x20, 0x80]
        XCTAssertEqual(try MailMessage(parsing: latin1).text, "Grüße €")
    }

    func testBodyCharsetsAreHonoured() throws {
        let cases: [(String, [UInt8], String)] = [
            ("iso-8859-1", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x71, 0x94], "café “q”"),
            ("ISO-8859-15", [0xA4, 0x20, 0xBC, 0x20, 0xE9], "€ Œ é"),
            ("windows-1252", [0x80, 0x85, 0x99, 0x8A], "€…™Š"),
            ("latin1", [0xFC], "ü"),
            ("us-ascii", Array("Grüße".utf8), "Grüße"),
            ("x-made-up", [0xE9], "é"),
            ("utf-8", [0xEF, 0xBB, 0xBF, 0x68, 0x69], "hi"),
            ("windows-1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "Привет"),
        ]
        for (charset, bytes, expected) in cases {
            let raw = Array("From: a@example.com\r\nContent-Type: text/plain; charset=\"\(charset)\"\r\n\r\n".utf8) + bytes
            XCTAssertEqual(try MailMessage(parsing: raw).text, expected, charset)
        }
    }

    func testPreambleEpilogueAndTrailingBlanksOnBoundaryLines() throws {
        let body = "This is a preamble.\r\n--sep  \r\nContent-Type: text/plain\r\n\r\nfirst\r\n--sep\t\r\n"
            + "Content-Type: text/html\r\n\r\n<p>second</p>\r\n--sep-- \r\nepilogue text\r\n"
        let message = try mail(["From: a@example.com", "Content-Type: multipart/alternative; boundary=sep"], body)
        XCTAssertEqual(message.text, "first")
        XCTAssertEqual(message.html, "<p>second</p>")
    }

    func testNestedBoundaryThatExtendsTheOuterOneIsNotConfused() throws {
        let inner = "Content-Type: multipart/alternative; boundary=\"b-inner\"\r\n\r\n--b-inner\r\nContent-Type: text/plain\r\n\r\n"
            + "plain\r\n--b-inner\r\nContent-Type: text/html\r\n\r\n<b>html</b>\r\n--b-inner--"
        let message = try multipart("mixed", boundary: "b", [inner, "Content-Type: image/gif\r\n\r\nGIF89a"])
        XCTAssertEqual(message.text, "plain")
        XCTAssertEqual(message.html, "<b>html</b>")
        XCTAssertEqual(message.attachments.map(\.filename), ["attachment.gif"])
        XCTAssertEqual(message.attachments.first?.data, Array("GIF89a".utf8))
    }

    func testTruncatedMultipartKeepsWhatArrived() throws {
        let message = try mail(
            ["From: a@example.com", "Content-Type: multipart/mixed; boundary=x"],
            "--x\nContent-Type: text/plain\n\nhello\n--x\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBER",
            lineEnd: "\n"
        )
        XCTAssertEqual(message.text, "hello")
        XCTAssertEqual(message.attachments.first?.filename, "a.pdf")
        XCTAssertEqual(message.attachments.first?.data, Array("%PD".utf8))
    }

    func testMultipartWithoutUsableBoundaryIsShownAsText() throws {
        let noParameter = try mail(["From: a@example.com", "Content-Type: multipart/mixed"], "raw body")
        XCTAssertEqual(noParameter.text, "raw body")
        let neverFound = try mail(["From: a@example.com", "Content-Type: multipart/mixed; boundary=zzz"], "--other\r\ncontent")
        XCTAssertEqual(neverFound.text, "--other\ncontent")
    }

    func testHTMLOnlyAlternativeLeavesTextNil() throws {
        let message = try multipart("alternative", ["Content-Type: text/html; charset=utf-8\r\n\r\n<p>Only HTML</p>"])
        XCTAssertNil(message.text)
        XCTAssertEqual(message.html, "<p>Only HTML</p>")
        XCTAssertEqual(message.plainText, "Only HTML")
    }

    func testBodiesSplitAroundAnAttachmentAreJoined() throws {
        let message = try multipart("mixed", [
            "Content-Type: text/plain\r\n\r\nBefore the picture.",
            "Content-Type: image/jpeg; name=\"photo.jpg\"\r\nContent-Disposition: inline; filename=\"photo.jpg\"\r\n\r\nJPEG",
            "Content-Type: text/plain\r\n\r\nAfter the picture.",
        ])
        XCTAssertEqual(message.text, "Before the picture.\nAfter the picture.")
        XCTAssertEqual(message.attachments.map(\.filename), ["photo.jpg"])
        XCTAssertEqual(message.attachments.map(\.inline), [false])
    }

    func testTextPartsMarkedAsAttachmentsAreAttachments() throws {
        let message = try multipart("mixed", [
            "Content-Type: text/plain\r\n\r\nThe body.",
            "Content-Type: text/plain; name=notes.txt\r\n\r\nnotes",
            "Content-Type: text/html\r\nContent-Disposition: attachment\r\n\r\n<p>page</p>",
            "Content-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR",
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"C:\\Users\\me\\report.bin\"\r\n\r\nxx",
            "Content-Type: application/pdf; name=\"a;b.pdf\"\r\n\r\n%PDF",
        ])
        XCTAssertEqual(message.text, "The body.")
        XCTAssertNil(message.html)
        XCTAssertEqual(message.attachments.map(\.filename),
                       ["notes.txt", "attachment.html", "attachment.ics", "report.bin", "a;b.pdf"])
        XCTAssertEqual(message.attachments.map(\.contentType),
                       ["text/plain", "text/html", "text/calendar", "application/octet-stream", "application/pdf"])
    }

    func testANamedTextPartThatIsTheWholeMessageIsTheBody() throws {
        let message = try mail(["From: scanner@example.com", "Content-Type: text/plain; name=\"body.txt\""], "Scan done.")
        XCTAssertEqual(message.text, "Scan done.")
        XCTAssertTrue(message.attachments.isEmpty)
    }

    func testAttachedMessageMarksAForward() throws {
        let inner = "Content-Type: message/rfc822\r\n\r\nFrom: x@example.com\r\nSubject: =?UTF-8?Q?Original_r=C3=A9quest_1/2?=\r\n\r\nhi"
        let message = try multipart("mixed", ["Content-Type: text/plain\r\n\r\nSee attached.", inner])
        XCTAssertTrue(message.isForward)
        XCTAssertEqual(message.attachments.map(\.filename), ["Original réquest 1-2.eml"])
        XCTAssertEqual(message.text, "See attached.")
    }

    func testDigestPartsDefaultToMessages() throws {
        let message = try multipart("digest", ["\r\nFrom: one@example.com\r\nSubject: One\r\n\r\nfirst"])
        XCTAssertEqual(message.attachments.map(\.contentType), ["message/rfc822"])
        XCTAssertEqual(message.attachments.map(\.filename), ["One.eml"])
    }

    func testSignedMessageKeepsItsBodyAndSignature() throws {
        let message = try multipart("signed", [
            "Content-Type: text/plain; charset=utf-8\r\n\r\nSigned text.",
            "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n-----BEGIN PGP SIGNATURE-----",
        ])
        XCTAssertEqual(message.text, "Signed text.")
        XCTAssertEqual(message.attachments.map(\.filename), ["signature.asc"])
    }

    func testRFC2231ParametersInAllForms() throws {
        let message = try multipart("mixed", [
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=iso-8859-1'fr'caf%E9.txt",
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment;\r\n filename*1=\"second \";\r\n"
                + " filename*0=\"first \";\r\n filename*2*=%E2%82%AC.txt",
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=plain.txt; filename*=UTF-8''pr%C3%A9f%C3%A9r%C3%A9.txt",
            "Content-Type: application/octet-stream; name=unquoted name.txt",
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"=?UTF-8?B?w6l0w6kucGRm?=\"",
        ].map { $0 + "\r\n\r\ndata" })
        XCTAssertEqual(message.attachments.map(\.filename),
                       ["café.txt", "first second €.txt", "préféré.txt", "unquoted name.txt", "été.pdf"])
    }

    func testNestingBeyondTheLimitIsRefused() throws {
        func nested(_ depth: Int) -> [UInt8] {
            var body = "Content-Type: text/plain\r\n\r\ndeep"
            for level in 0..<depth {
                body = "Content-Type: multipart/mixed; boundary=\"l\(level)\"\r\n\r\n--l\(level)\r\n\(body)\r\n--l\(level)--"
            }
            return Array(("From: a@example.com\r\n" + body).utf8)
        }
        XCTAssertEqual(try MailMessage(parsing: nested(20)).text, "deep")
        XCTAssertThrowsError(try MailMessage(parsing: nested(21))) { error in
            XCTAssertEqual(error as? MailParseError, .tooDeep(limit: 20))
        }
    }
}
