/// A file that comes with a customer's message, on its way into storage.
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
}
