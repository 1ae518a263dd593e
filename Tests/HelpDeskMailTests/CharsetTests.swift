import HelpDeskMail
import XCTest

/// Mail in the world's character sets, through the C library's iconv; bytes written by Python's
/// codecs for the same texts.
final class CharsetTests: XCTestCase {
    static let samples: [(label: String, bytes: [UInt8], text: String)] = [
        ("gb2312", [190, 171, 210, 230, 199, 243, 190, 171], "精益求精"),
        // Labelled GB2312, written with a character only GB18030 has: the superset is read.
        ("GB2312", [190, 171, 210, 230, 149, 50, 130, 54], "精益𠀀"),
        ("gbk", [190, 171, 210, 230], "精益"),
        ("big5", [193, 99, 197, 233, 164, 164, 164, 229], "繁體中文"),
        ("shift_jis", [147, 250, 150, 123, 140, 234, 130, 204, 131, 129, 129, 91, 131, 139], "日本語のメール"),
        ("euc-jp", [198, 252, 203, 220, 184, 236], "日本語"),
        ("iso-2022-jp", [27, 36, 66, 70, 124, 75, 92, 56, 108, 27, 40, 66], "日本語"),
        ("euc-kr", [199, 209, 177, 185, 190, 238], "한국어"),
        ("ks_c_5601-1987", [199, 209, 177, 185, 190, 238], "한국어"),
        ("koi8-r", [240, 210, 201, 215, 197, 212], "Привет"),
        ("utf-7", [71, 114, 43, 65, 80, 119, 65, 51, 119, 45, 101, 32, 43, 73, 75, 119, 45], "Grüße €"),
        ("windows-1251", [207, 240, 232, 226, 229, 242], "Привет"),
        ("windows-1250", [163, 243, 100, 159], "Łódź"),
    ]

    func testBodiesInTheWorldsCharsetsAreRead() throws {
        for sample in Self.samples {
            let raw = Array("From: a@example.com\r\nContent-Type: text/plain; charset=\(sample.label)\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".utf8)
                + sample.bytes + Array("\r\n".utf8)
            let message = try MailMessage(parsing: raw)
            XCTAssertEqual(message.text?.trimmingCharacters(in: .whitespacesAndNewlines), sample.text, sample.label)
        }
    }

    func testEncodedWordsInTheWorldsCharsetsAreRead() throws {
        for sample in Self.samples {
            let word = "=?\(sample.label)?B?\(Data(sample.bytes).base64EncodedString())?="
            let message = try mail(["From: a@example.com", "Subject: \(word)"])
            XCTAssertEqual(message.subject, sample.text, sample.label)
        }
    }

    func testAWrongLabelOnUTF8TextGivesTheUTF8Text() throws {
        for label in ["iso-8859-1", "gb2312", "shift_jis"] {
            let message = try mail(["From: a@example.com", "Content-Type: text/plain; charset=\(label)"], "Grüße, 精益")
            XCTAssertEqual(message.text?.trimmingCharacters(in: .whitespacesAndNewlines), "Grüße, 精益", label)
        }
    }

    func testBytesASetDoesNotHaveBecomeReplacementCharactersAndTheRestIsKept() throws {
        // 0x80 is no GB18030 lead byte on its own, and the bytes are not UTF-8 either.
        let raw = Array("From: a@example.com\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n".utf8) + [190, 171, 0x80, 210, 230]
        let message = try MailMessage(parsing: raw)
        XCTAssertEqual(message.text, "精\u{FFFD}益")
    }

    func testLabelsIconvDoesNotKnowForSetsItHasAreReadAsThoseSets() throws {
        let samples: [(label: String, bytes: [UInt8], text: String)] = [
            ("iso-8859-8-i", [249, 236, 229, 237], "שלום"),
            ("ISO-8859-6-I", [229, 209, 205, 200, 199], "مرحبا"),
            ("x-mac-roman", [67, 114, 143, 109, 101, 32, 98, 114, 158, 108, 142, 101], "Crème brûlée"),
        ]
        for sample in samples {
            let raw = Array("From: a@example.com\r\nContent-Type: text/plain; charset=\(sample.label)\r\n\r\n".utf8) + sample.bytes
            XCTAssertEqual(try MailMessage(parsing: raw).text, sample.text, sample.label)
            let word = "=?\(sample.label)?B?\(Data(sample.bytes).base64EncodedString())?="
            XCTAssertEqual(try mail(["From: a@example.com", "Subject: \(word)"]).subject, sample.text, sample.label)
        }
    }

    func testAnUnknownLabelIsReadAsIfThereWereNone() throws {
        for label in ["x-no-such-set", "utf-8//TRANSLIT", "../../etc"] {
            let message = try mail(["From: a@example.com", "Content-Type: text/plain; charset=\"\(label)\""], "café")
            XCTAssertEqual(message.text?.trimmingCharacters(in: .whitespacesAndNewlines), "café", label)
        }
    }
}
