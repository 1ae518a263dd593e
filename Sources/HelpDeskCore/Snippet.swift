/// A saved block of text any agent inserts in a reply or comment by typing `#` and its name (R3).
/// Admins keep the list.
public struct Snippet: Sendable, Hashable {
    public var id: String
    public var name: String
    public var text: String
    public var updatedAt: Timestamp

    public init(id: String, name: String, text: String, updatedAt: Timestamp) {
        self.id = id
        self.name = name
        self.text = text
        self.updatedAt = updatedAt
    }

    public static let maxNameLength = 80
    public static let maxTextBytes = 16_384

    /// Why a snippet with this name and text cannot be kept, or `nil`.
    public static func problem(name: String, text: String) -> String? {
        if name.isEmpty { return "A snippet needs a name." }
        if name.count > maxNameLength { return "A snippet's name has at most \(maxNameLength) characters." }
        if name.contains(where: \.isNewline) { return "A snippet's name is one line." }
        if text.allSatisfy(\.isWhitespace) { return "A snippet needs a text." }
        if text.utf8.count > maxTextBytes { return "A snippet holds at most 16 KiB of text." }
        return nil
    }
}
