import HelpDeskCore
import SQLKit

/// Storage of live chat visitors. Their cookie is kept only as a hash: whoever reads the
/// database cannot take over a visitor's chats.
extension StoreSession {
    package func insertVisitor(tokenHash: String, at time: Timestamp) async throws -> Visitor {
        let row = try await sql.raw("""
            INSERT INTO visitors (token_hash, created_at, seen_at)
            VALUES (\(bind: tokenHash), \(bind: time.millisecondsSince1970), \(bind: time.millisecondsSince1970))
            RETURNING id
            """).first()
        return Visitor(id: String(try row?.decode(column: "id", as: Int64.self) ?? 0), createdAt: time)
    }

    package func visitor(tokenHash: String) async throws -> Visitor? {
        try await sql.raw("SELECT * FROM visitors WHERE token_hash = \(bind: tokenHash)").first().map(Self.visitor)
    }

    package func updateVisitor(_ visitor: Visitor, seenAt time: Timestamp) async throws {
        try await sql.raw("""
            UPDATE visitors SET name = \(bind: visitor.name), email = \(bind: visitor.email),
                contact_id = \(bind: visitor.contactID.flatMap { Int64($0) }), seen_at = \(bind: time.millisecondsSince1970)
            WHERE id = \(bind: StoreError.rowID(visitor.id, of: "visitors"))
            """).run()
    }

    /// C8: the visitor is this contact from now on; a name or email they gave themselves stays.
    package func linkVisitor(id: String, toContact contactID: Int64, email: String, name: String?) async throws {
        try await sql.raw("""
            UPDATE visitors SET contact_id = \(bind: contactID), email = COALESCE(email, \(bind: email)), name = COALESCE(name, \(bind: name))
            WHERE id = \(bind: StoreError.rowID(id, of: "visitors"))
            """).run()
    }

    /// Gives a contact to a customer's conversations that have none; returns the tickets of all
    /// their conversations, to link to the contact as well.
    package func linkConversations(customerAddress: String, toContact contactID: Int64) async throws -> [Int64] {
        try await sql.raw("""
            UPDATE conversations SET contact_id = \(bind: contactID)
            WHERE customer_address = \(bind: customerAddress) AND contact_id IS NULL
            """).run()
        return try await sql.raw("""
            SELECT DISTINCT ticket_id FROM conversations WHERE customer_address = \(bind: customerAddress) AND ticket_id IS NOT NULL
            """).all().map { try $0.decode(column: "ticket_id", as: Int64.self) }
    }

    static func visitor(_ row: any SQLRow) throws -> Visitor {
        Visitor(id: String(try row.decode(column: "id", as: Int64.self)), name: try row.decode(column: "name", as: String?.self),
                email: try row.decode(column: "email", as: String?.self),
                contactID: try row.decode(column: "contact_id", as: Int64?.self).map(String.init),
                createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
    }
}
