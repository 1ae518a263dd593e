import HelpDeskCore
import XCTest

/// R3: what the help desk keeps of a file an agent uploads, and how much one message may carry.
final class AttachmentRuleTests: XCTestCase {
    func testR3UploadedFilenamesLoseFoldersAndControlCharacters() {
        let cases: [(String, String)] = [
            ("invoice.pdf", "invoice.pdf"),
            ("C:\\Users\\ada\\Desktop\\invoice.pdf", "invoice.pdf"),
            ("../../etc/passwd", "passwd"),
            ("  report\u{0}\r\n.txt  ", "report.txt"),
            ("photo\u{202E}gpj.exe", "photogpj.exe"),
            ("Rechnung März 請求書.pdf", "Rechnung März 請求書.pdf"),
            ("..", "attachment"),
            ("", "attachment"),
            ("dir/", "dir"),
            (String(repeating: "a", count: 300), String(repeating: "a", count: 200)),
        ]
        for (given, kept) in cases {
            XCTAssertEqual(NewAttachment.safeFilename(given), kept, given)
        }
    }

    func testR3UploadedContentTypesAreTypeAndSubtypeOnly() {
        let cases: [(String?, String)] = [
            ("application/pdf", "application/pdf"),
            ("Text/Plain; charset=utf-8", "text/plain"),
            ("image/svg+xml", "image/svg+xml"),
            (nil, "application/octet-stream"),
            ("", "application/octet-stream"),
            ("text", "application/octet-stream"),
            ("text/plain\r\nX-Evil: 1", "application/octet-stream"),
            ("a/b/c", "application/octet-stream"),
        ]
        for (given, kept) in cases {
            XCTAssertEqual(NewAttachment.safeContentType(given), kept, given ?? "nil")
        }
    }

    func testR3AMessageCarriesFilesWithinTheLimits() {
        func files(_ sizes: [Int]) -> [NewAttachment] {
            sizes.map { NewAttachment(uploadedAs: "f", contentType: nil, bytes: [UInt8](repeating: 0, count: $0)) }
        }
        XCTAssertNil(AttachmentLimits.problem(with: []))
        XCTAssertNil(AttachmentLimits.problem(with: files([AttachmentLimits.maxFileBytes, AttachmentLimits.maxTotalBytes - AttachmentLimits.maxFileBytes])))
        XCTAssertNotNil(AttachmentLimits.problem(with: files([AttachmentLimits.maxFileBytes + 1])))
        XCTAssertNotNil(AttachmentLimits.problem(with: files([AttachmentLimits.maxFileBytes, AttachmentLimits.maxTotalBytes - AttachmentLimits.maxFileBytes + 1])))
        XCTAssertNotNil(AttachmentLimits.problem(with: files(Array(repeating: 1, count: AttachmentLimits.maxFiles + 1))))
    }
}
