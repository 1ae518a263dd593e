import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// A form a page sent, URL-encoded or, when it carries files, as `multipart/form-data`: the
/// first value of each name, every value of a repeated one (checkboxes that share a name), and
/// the files chosen.
struct SubmittedForm: Sendable {
    let pairs: [(String, String)]
    /// The files by the name of their input, in the order sent; inputs left empty send none.
    let uploads: [(String, NewAttachment)]
    /// Whether the body was larger than a form with files may be: the fields before the cut are
    /// read, the files are not.
    let overflowed: Bool

    init(_ body: String) {
        pairs = URLEncodedForm.pairs(body)
        uploads = []
        overflowed = false
    }

    init(parts: [MultipartForm.Part], overflowed: Bool) {
        var pairs: [(String, String)] = [], uploads: [(String, NewAttachment)] = []
        for part in parts {
            if let filename = part.filename {
                // An input with no file chosen sends an empty part without a name.
                guard !filename.isEmpty || !part.bytes.isEmpty else { continue }
                uploads.append((part.name, NewAttachment(uploadedAs: filename, contentType: part.contentType, bytes: part.bytes)))
            } else {
                pairs.append((part.name, String(decoding: part.bytes, as: UTF8.self)))
            }
        }
        self.pairs = pairs
        self.uploads = uploads
        self.overflowed = overflowed
    }

    /// The largest body of a form with files: the files of one message (`AttachmentLimits`)
    /// with room for the longest text and rich text a reply may hold.
    static let maxMultipartBody = AttachmentLimits.maxTotalBytes + 2 * 1_048_576
    /// A larger body is read and dropped up to this size, so that the browser, still sending,
    /// gets the page that says why; beyond it the connection is refused outright.
    static let maxDrained = 8 * maxMultipartBody

    static func read(_ request: Request) async throws -> SubmittedForm {
        guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(of:)) else {
            return SubmittedForm(String(buffer: try await request.body.collect(upTo: AccountRoutes.maxBody)))
        }
        var kept = ByteBuffer()
        var size = 0
        for try await chunk in request.body {
            size += chunk.readableBytes
            if size <= maxMultipartBody {
                kept.writeImmutableBuffer(chunk)
            } else if size > maxDrained {
                throw HTTPError(.contentTooLarge, message: "The form is larger than \(maxDrained / 1_048_576) MB.")
            }
        }
        let parts = MultipartForm.parts(of: kept.readBytes(length: kept.readableBytes) ?? [], boundary: boundary)
        return SubmittedForm(parts: parts, overflowed: size > maxMultipartBody)
    }

    subscript(name: String) -> String? {
        pairs.first { $0.0 == name }?.1
    }

    func all(_ name: String) -> [String] {
        pairs.filter { $0.0 == name }.map(\.1)
    }

    /// The files sent under `name`; refused when the form was too large to read them all.
    func files(_ name: String) throws -> [NewAttachment] {
        guard !overflowed else {
            throw HelpDeskError.badRequest("""
                The files are larger than a message may carry: \(AttachmentLimits.maxTotalBytes / 1_048_576) MB together, \
                \(AttachmentLimits.maxFileBytes / 1_048_576) MB each. Attach smaller ones, or share large files by a link.
                """)
        }
        return uploads.filter { $0.0 == name }.map(\.1)
    }

    /// Whether files came with the form, or would have but for its size.
    var carriedFiles: Bool {
        overflowed || !uploads.isEmpty
    }
}
