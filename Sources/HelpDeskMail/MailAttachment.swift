/// A file carried by a message: an attachment, an attached message, or an image shown inside the
/// HTML body (`inline`, referenced there as `cid:` + `contentID`).
public struct MailAttachment: Sendable, Equatable {
    /// The sender's filename without any folder part, or a name made from the content type.
    public var filename: String
    /// Lowercased `type/subtype` without parameters, such as `image/png`.
    public var contentType: String
    /// The Content-ID without angle brackets.
    public var contentID: String?
    /// Whether the HTML body shows this part through a `cid:` reference.
    public var inline: Bool
    /// The content with its transfer encoding removed.
    public var data: [UInt8]

    public init(filename: String, contentType: String, contentID: String? = nil, inline: Bool = false, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.contentID = contentID
        self.inline = inline
        self.data = data
    }
}
