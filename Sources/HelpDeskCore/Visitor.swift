/// Someone chatting on a live chat channel, known by a cookie until they give a name or an
/// email (C8); from then on linked to a contact, with their conversations and tickets.
public struct Visitor: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var email: String?
    public var contactID: String?
    public var createdAt: Timestamp

    public init(id: String, name: String? = nil, email: String? = nil, contactID: String? = nil, createdAt: Timestamp) {
        self.id = id
        self.name = name
        self.email = email
        self.contactID = contactID
        self.createdAt = createdAt
    }

    /// How conversations name the visitor as their customer.
    public var address: String { "visitor-\(id)" }

    /// The visitor's id in a conversation's customer address, when that customer is a chat visitor.
    public static func id(ofAddress address: String) -> String? {
        guard address.hasPrefix("visitor-") else { return nil }
        let id = address.dropFirst("visitor-".count)
        return !id.isEmpty && id.allSatisfy(\.isASCII) && id.allSatisfy(\.isNumber) ? String(id) : nil
    }
}
