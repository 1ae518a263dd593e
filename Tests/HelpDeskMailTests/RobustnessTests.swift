import HelpDeskMail
import XCTest

/// Untrusted input must never crash or hang the parser: every outcome is a message or a `MailParseError`.
final class RobustnessTests: XCTestCase {
    /// SplitMix64, so that failures reproduce.
    private struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    /// Parses and then renders and cleans whatever HTML came out, as the server will.
    private func exercise(_ bytes: [UInt8]) {
        guard let message = try? MailMessage(parsing: bytes) else { return }
        _ = message.plainText
        _ = message.automatic(envelopeSender: "")
        if let html = message.html { _ = HTMLSanitizer.clean(html) }
    }

    func testEveryPrefixOfMultipartMessagesParses() throws {
        for name in ["gmail-reply.eml", "inline-image.eml", "bounce.eml", "attachment-rfc2231.eml"] {
            let bytes = try Fixtures.bytes(name)
            for length in 0...bytes.count {
                exercise(Array(bytes[..<length]))
            }
        }
    }

    func testMutatedFixturesParse() throws {
        var random = Random(state: 42)
        let fixtures = try Fixtures.all()
        let noise: [[UInt8]] = ["--", "\r\n", "=", "=?utf-8?q?", "?=", "<", ">", "\"", "(", ";", "*0*=", "%", "\0", "\u{FF}"]
            .map { Array($0.utf8) } + [[0xFF], [0xC3], [0x80]]
        for _ in 0..<600 {
            var bytes = fixtures[random.below(fixtures.count)].bytes
            for _ in 0..<(1 + random.below(12)) {
                let position = random.below(bytes.count + 1)
                switch random.below(3) {
                case 0: bytes.insert(contentsOf: noise[random.below(noise.count)], at: position)
                case 1 where position < bytes.count: bytes.remove(at: position)
                default: if position < bytes.count { bytes[position] = UInt8(truncatingIfNeeded: random.next()) }
                }
            }
            exercise(bytes)
        }
    }

    func testRandomBytesParse() {
        var random = Random(state: 7)
        for round in 0..<400 {
            let count = random.below(3000)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 2 == 0 {
                bytes = Array("From: a@b\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n--q\r\n".utf8) + bytes
            }
            exercise(bytes)
        }
    }

    func testRandomMarkupOnlyEverYieldsAllowedTags() {
        var random = Random(state: 2024)
        let pieces = ["<", ">", "</", "/>", "a", "img", "script", "style", "p", "div", "b", "form", "svg", " ", "\n", "=",
                      "\"", "'", "<!--", "-->", "&", "#", ";", "x", "src", "href", "onerror", "javascript:", "cid:", "https://t.example/"]
        let allowed: Set<String> = ["a", "img", "p", "div", "b"]
        for _ in 0..<2000 {
            let html = (0..<random.below(60)).map { _ in pieces[random.below(pieces.count)] }.joined()
            let clean = HTMLSanitizer.clean(html)
            _ = HTMLText.plain(html)
            // Text escapes `<` and `>`, so each `<` in the output opens a tag that ends at the next `>`.
            for piece in clean.components(separatedBy: "<").dropFirst() {
                let tag = piece.prefix { $0 != ">" }
                let name = tag.drop { $0 == "/" }.prefix { $0.isLetter }
                XCTAssertTrue(allowed.contains(String(name)), "<\(tag)> from \(html)")
                XCTAssertFalse(tag.contains("onerror") || tag.contains("javascript") || tag.contains("t.example"), "<\(tag)> from \(html)")
            }
        }
    }

    func testPathologicalShapesFinish() {
        let huge = Array("From: a@example.com\r\nSubject: x\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 2_000_000)
        XCTAssertEqual(try MailMessage(parsing: huge).text?.utf8.count, 2_000_000)

        let longHeader = "From: a@example.com\r\nSubject: " + String(repeating: "=?utf-8?q?x?= ", count: 50_000) + "\r\n\r\n"
        XCTAssertEqual(try MailMessage(parsing: Array(longHeader.utf8)).subject.count, 50_000)

        let manyParts = "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n"
            + String(repeating: "--p\r\nContent-Type: image/png\r\n\r\nx\r\n", count: 20_000)
        XCTAssertEqual(try MailMessage(parsing: Array(manyParts.utf8)).attachments.count, 20_000)

        let deepHTML = String(repeating: "<div><b>", count: 50_000) + "x"
        XCTAssertTrue(HTMLSanitizer.clean(deepHTML).hasSuffix("x" + String(repeating: "</b></div>", count: 50)))
        _ = HTMLText.plain(deepHTML)
        _ = HTMLSanitizer.clean("<!--" + String(repeating: "<a href=", count: 10_000))
        _ = HTMLSanitizer.clean("<a " + String(repeating: "x=\"1\" ", count: 10_000) + ">")
        _ = HTMLText.plain(String(repeating: "&#99999999999;&", count: 10_000))

        let addresses = "From: a@example.com\r\nTo: " + String(repeating: "\"x,\" <a@b>, (c(d(e)))", count: 10_000) + "\r\n\r\n"
        XCTAssertEqual(try MailMessage(parsing: Array(addresses.utf8)).to.count, 10_000)
    }
}
