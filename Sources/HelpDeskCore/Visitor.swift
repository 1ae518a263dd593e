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
}
