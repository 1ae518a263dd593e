/// A saved reply any agent starts an answer from (R3): a whole message, picked from a list in the
/// editor, where a snippet is a block typed into one with `#`. Those who keep the snippets keep
/// the templates.
public struct ReplyTemplate: Sendable, Hashable {
    public var id: String
    public var name: String
    public var body: String
    public var updatedAt: Timestamp

    public init(id: String, name: String, body: String, updatedAt: Timestamp) {
        self.id = id
        self.name = name
        self.body = body
        self.updatedAt = updatedAt
    }

    public static let maxNameLength = 80
    public static let maxBodyBytes = 65_536

    /// Why a template with this name and text can't be kept, or `nil`.
    public static func problem(name: String, body: String) -> String? {
        if name.isEmpty { return "A template needs a name." }
        if name.count > maxNameLength { return "A template's name has at most \(maxNameLength) characters." }
        if name.contains(where: \.isNewline) { return "A template's name is one line." }
        if body.allSatisfy(\.isWhitespace) { return "A template needs a text." }
        if body.utf8.count > maxBodyBytes { return "A template holds at most 64 KiB of text." }
        return nil
    }
}
