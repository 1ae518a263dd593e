@testable import HelpDeskServer
import XCTest

/// R3: the reply form's files arrive as `multipart/form-data`, read as browsers write it; a body
/// cut at the size limit still gives the text typed before the files, for the draft.
final class MultipartFormTests: XCTestCase {
    private let body = Array("""
        --XyZ\r
        Content-Disposition: form-data; name="csrf"\r
        \r
        token\r
        --XyZ\r
        Content-Disposition: form-data; name="text"\r
        \r
        Line one\r
        --XyZ in the text is not a boundary\r
        --XyZ\r
        Content-Disposition: form-data; name="files"; filename="C:\\temp\\%22quoted%22 März.pdf"\r
        Content-Type: application/pdf\r
        \r
        %PDF\r
        \r
        --XyZ\r
        Content-Disposition: form-data; name="files"; filename=""\r
        Content-Type: application/octet-stream\r
        \r
        \r
        --XyZ--\r

        """.utf8)

    func testR3BrowserFormWithFilesIsRead() throws {
        let boundary = try XCTUnwrap(MultipartForm.boundary(of: "multipart/form-data; boundary=XyZ"))
        let parts = MultipartForm.parts(of: body, boundary: boundary)
        XCTAssertEqual(parts.map(\.name), ["csrf", "text", "files", "files"])
        XCTAssertEqual(String(decoding: parts[1].bytes, as: UTF8.self), "Line one\r\n--XyZ in the text is not a boundary")
        XCTAssertEqual(parts[2].filename, "C:\\temp\\\"quoted\" März.pdf")
        XCTAssertEqual(parts[2].contentType, "application/pdf")
        XCTAssertEqual(parts[2].bytes, Array("%PDF\r\n".utf8), "a file's bytes are kept exactly, line breaks included")

        let form = SubmittedForm(parts: parts, overflowed: false)
        XCTAssertEqual(form["csrf"], "token")
        let files = try form.files("files")
        XCTAssertEqual(files.map(\.filename), ["\"quoted\" März.pdf"], "no folder, and an input left empty sends no file")
        XCTAssertEqual(files.first?.contentType, "application/pdf")
    }

    func testR3FormCutAtTheLimitKeepsTheFieldsBeforeTheCut() throws {
        let cut = Array(body[..<(body.firstRange(of: Array("%PDF".utf8))!.upperBound)])
        let form = SubmittedForm(parts: MultipartForm.parts(of: cut, boundary: "XyZ"), overflowed: true)
        XCTAssertEqual(form["csrf"], "token")
        XCTAssertEqual(form["text"], "Line one\r\n--XyZ in the text is not a boundary")
        XCTAssertTrue(form.carriedFiles)
        XCTAssertThrowsError(try form.files("files"), "files beyond the limit are refused, never half sent")
    }

    func testR3OnlyFormDataWithABoundaryIsMultipart() {
        XCTAssertEqual(MultipartForm.boundary(of: "multipart/form-data; boundary=\"a b\""), "a b")
        XCTAssertEqual(MultipartForm.boundary(of: "Multipart/Form-Data;charset=utf-8; BOUNDARY=z"), "z")
        XCTAssertNil(MultipartForm.boundary(of: "application/x-www-form-urlencoded"))
        XCTAssertNil(MultipartForm.boundary(of: "multipart/form-data"))
        XCTAssertNil(MultipartForm.boundary(of: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)))
        XCTAssertEqual(MultipartForm.parts(of: Array("no parts at all".utf8), boundary: "z").count, 0)
    }
}
