import HelpDeskMail
import XCTest

final class HeaderDecodingTests: XCTestCase {
    func testEncodedWordsDecodeInBothEncodingsAndAnyCase() throws {
        let cases: [(String, String)] = [
            ("=?UTF-8?B?R3LDvMOfZQ==?=", "Grüße"),
            ("=?utf-8?b?R3LDvMOfZQ==?=", "Grüße"),
            ("=?utf-8?q?Gr=C3=BC=c3=9fe_aus_K=C3=B6ln?=", "Grüße aus Köln"),
            ("=?ISO-8859-1?Q?R=E9ponse?= =?ISO-8859-1?Q?_=E0_vous?=", "Réponse à vous"),
            ("=?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?=", "ab"),
            ("Re: =?UTF-8?Q?caf=C3=A9?= ok", "Re: café ok"),
            ("=?UTF-8?Q?one?= and =?UTF-8?Q?two?=", "one and two"),
            // A multi-byte character split across two words (the bytes of "é" are C3 A9).
            ("=?UTF-8?B?w4==?= =?UTF-8?B?qQ==?=", "é"),
            ("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=", "été"),
            ("=?windows-1252?Q?=80_=93quoted=94_it=92s?=", "€ “quoted” it’s"),
            ("=?cp1252?q?=85?=", "…"),
            ("=?iso-8859-15?Q?=A4_=BD?=", "€ œ"),
            ("=?us-ascii?Q?plain?=", "plain"),
            ("=?utf-8*en?Q?lang?=", "lang"),
            ("=?x-unknown?Q?caf=C3=A9?=", "café"),
            ("=?x-unknown?Q?caf=E9?=", "café"),
            ("=?UTF-8?X?nope?=", "=?UTF-8?X?nope?="),
            ("=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated"),
            ("price =?", "price =?"),
            ("=??Q?x?=", "=??Q?x?="),
        ]
        for (raw, expected) in cases {
            let message = try mail(["From: a@example.com", "Subject: \(raw)"])
            XCTAssertEqual(message.subject, expected, raw)
        }
    }

    func testSubjectIsCollapsedAndEmptyWhenMissing() throws {
        XCTAssertEqual(try mail(["From: a@example.com", "Subject:   Hello\r\n\t  world  "]).subject, "Hello world")
        XCTAssertEqual(try mail(["From: a@example.com"]).subject, "")
    }

    func testRawUTF8AndLatin1HeadersAreAccepted() throws {
        XCTAssertEqual(try mail(["From: Jürgen <j@example.de>", "Subject: Grüße aus Köln"]).subject, "Grüße aus Köln")
        var latin1 = Array("From: a@example.com\r\nSubject: Gr".utf8) + [0xFC, 0xDF, 0x65]
        latin1 += Array("\r\n\r\nbody".utf8)
        let message = try MailMessage(parsing: latin1)
        XCTAssertEqual(message.subject, "Grüße")
        XCTAssertEqual(message.text, "body")
    }

    func testLFLineEndsAndMissingFinalNewlineAreTolerated() throws {
        let message = try MailMessage(parsing: Array("Subject: folded\n  subject\nFrom: a@example.com\n\nline one\nline two".utf8))
        XCTAssertEqual(message.subject, "folded subject")
        XCTAssertEqual(message.headers["subject"], "folded  subject")
        XCTAssertEqual(message.text, "line one\nline two")
        let headersOnly = try MailMessage(parsing: Array("From: a@example.com\r\nSubject: no body".utf8))
        XCTAssertEqual(headersOnly.subject, "no body")
        XCTAssertEqual(headersOnly.text, "")
    }

    func testHeaderBlockEndsAtALineThatIsNotAField() throws {
        let message = try MailMessage(parsing: Array("From: a@example.com\nSubject: hi\nThis line is body text\nmore".utf8))
        XCTAssertEqual(message.subject, "hi")
        XCTAssertEqual(message.text, "This line is body text\nmore")
    }

    func testHeadersKeepOrderAndRepeats() throws {
        let message = try mail(["Received: one", "From: a@example.com", "received: two", "X-Empty:"])
        XCTAssertEqual(message.headers.values("RECEIVED"), ["one", "two"])
        XCTAssertEqual(message.headers["Received"], "one")
        XCTAssertEqual(message.headers["x-empty"], "")
        XCTAssertEqual(message.headers.map(\.name), ["Received", "From", "received", "X-Empty"])
        XCTAssertEqual(message.headers.decoded("From"), "a@example.com")
    }

    func testMessagesWithoutHeadersAreStillMail() throws {
        for (raw, text) in [("\r\n\r\nbody", "body"), ("just some text\nwithout fields", "just some text\nwithout fields")] {
            let message = try MailMessage(parsing: Array(raw.utf8))
            XCTAssertEqual(message.text?.trimmingCharacters(in: .whitespacesAndNewlines), text, raw)
            XCTAssertNil(message.from)
        }
    }

    func testAddressFormsAreParsed() throws {
        let cases: [(String, [MailAddress])] = [
            ("\"Doe, Jane\" <Jane.Doe@Example.COM>", [MailAddress(name: "Doe, Jane", address: "Jane.Doe@example.com")]),
            ("Jane Doe <jane@example.com>", [MailAddress(name: "Jane Doe", address: "jane@example.com")]),
            ("jane@example.com (Jane Doe)", [MailAddress(name: "Jane Doe", address: "jane@example.com")]),
            ("jane@example.com", [MailAddress(name: nil, address: "jane@example.com")]),
            ("<jane@example.com>", [MailAddress(name: nil, address: "jane@example.com")]),
            ("undisclosed-recipients:;", []),
            ("Team: a@example.com, \"B, b\" <b@example.com>;, c@example.com", [
                MailAddress(name: nil, address: "a@example.com"),
                MailAddress(name: "B, b", address: "b@example.com"),
                MailAddress(name: nil, address: "c@example.com"),
            ]),
            ("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>", [MailAddress(name: "Jürgen Müller", address: "jm@example.de")]),
            ("\"=?UTF-8?B?w4lsb2RpZQ==?=\" <e@example.fr>", [MailAddress(name: "Élodie", address: "e@example.fr")]),
            ("'Lukas Wagner' <lw@example.de>", [MailAddress(name: "Lukas Wagner", address: "lw@example.de")]),
            ("\"quote \\\"inside\\\"\" <q@example.com>", [MailAddress(name: "quote \"inside\"", address: "q@example.com")]),
            ("John (the boss) Smith <js@example.com>", [MailAddress(name: "John Smith", address: "js@example.com")]),
            ("<@relay.example:route@example.com>", [MailAddress(name: nil, address: "route@example.com")]),
            ("a@example.com, , b@example.com,", [
                MailAddress(name: nil, address: "a@example.com"), MailAddress(name: nil, address: "b@example.com"),
            ]),
            ("Just A Name", []),
            ("MAILER-DAEMON (Mail Delivery System)", [MailAddress(name: "Mail Delivery System", address: "MAILER-DAEMON")]),
            ("\"Unclosed <a@example.com>", []),
            ("Broken <unclosed@example.com", [MailAddress(name: "Broken", address: "unclosed@example.com")]),
        ]
        for (raw, expected) in cases {
            let message = try mail(["From: sender@example.com", "To: \(raw)"])
            XCTAssertEqual(message.to, expected, raw)
        }
    }

    func testFromReplyToAndCcUseTheirOwnHeaders() throws {
        let message = try mail([
            "From: A <a@example.com>, B <b@example.com>", "Reply-To: help@example.com", "Cc: c@example.com", "CC: d@example.com",
        ])
        XCTAssertEqual(message.from?.address, "a@example.com")
        XCTAssertEqual(message.replyTo.map(\.address), ["help@example.com"])
        XCTAssertEqual(message.cc.map(\.address), ["c@example.com", "d@example.com"])
        XCTAssertNil(try mail(["Subject: x"]).from)
    }

    func testDatesIncludingObsoleteFormsAreRead() throws {
        let base: Int64 = 1_717_491_737_000 // 2024-06-04 09:02:17 UTC
        let cases: [(String, Int64?)] = [
            ("Tue, 4 Jun 2024 11:02:17 +0200", base),
            ("Tue, 04 Jun 2024 09:02:17 +0000 (UTC)", base),
            ("4 Jun 2024 09:02:17 GMT", base),
            ("Tue, 4 Jun 2024 09:02:17 UT", base),
            ("Tue, 4 Jun 2024 05:02:17 EDT", base),
            ("Tue, 4 Jun 2024 04:02:17 EST", base),
            ("Tue, 4 Jun 2024 02:02:17 PDT", base),
            ("Tue, 4 Jun 2024 01:02:17 PST", base),
            ("Tue, 4 Jun 2024 03:02:17 CST", base),
            ("Tue, 4 Jun 2024 09:02:17 Z", base),
            ("Tue, 4 Jun 24 09:02:17 +0000", base),
            ("Tue,  4 June 2024 09:02:17 -0000", base),
            ("tue, 4 jun 2024 09:02 +0000", base - 17_000),
            ("Tue, 4 Jun 2024 09:02:17.250 +0000", base),
            ("Tue Jun  4 09:02:17 2024", base),
            ("Tue, 4 Jun 2024 09:02:17 +0000 (Coordinated Universal Time)", base),
            ("Fri, 1 Jan 99 00:00:00 +0000", 915_148_800_000),
            ("Thu, 29 Feb 2024 12:00:00 +0000", 1_709_208_000_000),
            ("Thu, 30 Feb 2024 12:00:00 +0000", nil),
            ("Tue, 4 Jun 2024 25:00:00 +0000", nil),
            ("Tue, 4 Foo 2024 09:02:17 +0000", nil),
            ("2024-06-04T09:02:17Z", nil),
            ("", nil),
            ("yesterday", nil),
        ]
        for (raw, expected) in cases {
            XCTAssertEqual(try mail(["From: a@example.com", "Date: \(raw)"]).date, expected, raw)
        }
        XCTAssertNil(try mail(["From: a@example.com"]).date)
    }

    func testMessageIDsLoseTheirBracketsCommentsAndFolding() throws {
        let message = try mail([
            "Message-ID:  <abc.123@example.com> ",
            "In-Reply-To: <p1@example.com> (Jane's message of \"Mon, 3 Jun\")",
            "References: <r1@example.com>\r\n\t<r2@example.com> <r3@exam\r\n ple.com>",
        ])
        XCTAssertEqual(message.messageID, "abc.123@example.com")
        XCTAssertEqual(message.inReplyTo, ["p1@example.com"])
        XCTAssertEqual(message.references, ["r1@example.com", "r2@example.com", "r3@example.com"])
        let bare = try mail(["Message-ID: bare-id@example.com", "In-Reply-To: one@example.com two@example.com"])
        XCTAssertEqual(bare.messageID, "bare-id@example.com")
        XCTAssertEqual(bare.inReplyTo, ["one@example.com", "two@example.com"])
        XCTAssertNil(try mail(["From: a@example.com"]).messageID)
        XCTAssertEqual(try mail(["From: a@example.com"]).references, [])
    }

    /// A7: the language a mail program declares, which routing matches against agents' skills.
    func testA7ContentLanguageGivesThePrimaryLanguageOfTheFirstTag() throws {
        let cases: [(String?, String?)] = [
            ("fr", "fr"), ("fr-CA, en", "fr"), (" DE-de", "de"), ("en;q=0.9", "en"), ("gsw", "gsw"),
            ("", nil), ("x", nil), ("f1", nil), ("français", nil), ("i-klingon", nil), (nil, nil),
        ]
        for (header, expected) in cases {
            let message = try mail(["From: a@example.com"] + (header.map { ["Content-Language: \($0)"] } ?? []))
            XCTAssertEqual(message.language, expected, "Content-Language: \(header ?? "(none)")")
        }
    }
}
