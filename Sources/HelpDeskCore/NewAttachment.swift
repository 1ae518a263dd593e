/// A file on its way into storage: one that came with a customer's message, or one an agent
/// attached to a reply or a comment (R3).
public struct NewAttachment: Sendable, Hashable {
    public var filename: String
    public var contentType: String
    /// The id an HTML body refers to it by (`cid:`), for inline images.
    public var contentID: String?
    public var inline: Bool
    public var bytes: [UInt8]

    public init(filename: String, contentType: String, contentID: String?, inline: Bool, bytes: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.contentID = contentID
        self.inline = inline
        self.bytes = bytes
    }

    /// A file an agent uploaded, with the name and type the browser gave made safe to store, show
    /// and put in a mail header.
    public init(uploadedAs filename: String, contentType: String?, bytes: [UInt8]) {
        self.init(filename: Self.safeFilename(filename), contentType: Self.safeContentType(contentType), contentID: nil,
                  inline: false, bytes: bytes)
    }

    /// The last part of a path (browsers on Windows once sent the whole one), without control
    /// characters, at most 200 characters; `attachment` when nothing is left.
    public static func safeFilename(_ given: String) -> String {
        let base = given.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let visible = String(String.UnicodeScalarView(base.unicodeScalars.filter {
            // Control characters, and the format ones that can make a name read backwards.
            !($0.properties.generalCategory == .control || $0.properties.generalCategory == .format)
        }))
        let trimmed = visible[...].trimmingCharacters()
        guard !trimmed.isEmpty, trimmed != ".", trimmed != ".." else { return "attachment" }
        return String(trimmed.prefix(200))
    }

    /// `type/subtype` in lower case, without parameters; `application/octet-stream` for anything
    /// that is not of that form.
    public static func safeContentType(_ given: String?) -> String {
        let essence = (given ?? "").split(separator: ";", maxSplits: 1).first?.trimmingCharacters() ?? ""
        let parts = essence.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        let token = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$&-^_.+")
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 127 && $0.allSatisfy(token.contains) }) else {
            return "application/octet-stream"
        }
        return parts.joined(separator: "/")
    }
}
