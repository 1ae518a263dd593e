import Foundation
import HelpDeskCore
import HelpDeskStore

/// Reading conversations and their messages: the inbox (conversations without a ticket) and
/// tickets' threads. A conversation is seen by whoever may see its ticket (R8); one without a
/// ticket, by help-desk users whose scope covers its owner.
public struct ConversationService: Sendable {
    let desk: HelpDesk

    /// Where a listing continues: the previous page's last conversation.
    public struct Cursor: Sendable {
        public var latestMessageAt: Int64
        public var id: Int64

        /// Reads the `after` value the API hands out (`<millis>-<id>`).
        public init?(_ text: String) {
            let parts = text.split(separator: "-")
            guard parts.count == 2, let at = Int64(parts[0]), let id = Int64(parts[1]) else { return nil }
            self.latestMessageAt = at
            self.id = id
        }

        init(_ conversation: Conversation) {
            latestMessageAt = conversation.latestMessageAt.millisecondsSince1970
            id = Int64(conversation.id) ?? 0
        }

        public var text: String { "\(latestMessageAt)-\(id)" }
    }

    /// Conversations, most recently active first; `inboxOnly` keeps those without a ticket.
    public func list(inboxOnly: Bool = false, ticketID: String? = nil, status: Conversation.Status? = nil, trashed: Bool = false,
                     limit: Int = 50, after: Cursor? = nil, by caller: Caller) async throws -> (conversations: [Conversation], next: Cursor?) {
        try caller.check(.workConversations)
        guard (1...500).contains(limit) else { throw HelpDeskError.badRequest("limit must be between 1 and 500; \(limit) given.") }
        let user = caller.user
        return try await desk.database.read { session in
            var visible: [Conversation] = []
            var cursor = after.map { (at: $0.latestMessageAt, id: $0.id) }
            // Hidden conversations are skipped, so a page may take more than one read.
            while visible.count < limit {
                let batch = try await session.conversations(ticketID: ticketID, withoutTicket: inboxOnly, status: status,
                                                            trashed: trashed, limit: limit + 1, after: cursor)
                for conversation in batch where try await Self.visible(conversation, to: user, session: session, trashed: trashed) {
                    visible.append(conversation)
                }
                guard batch.count == limit + 1, let last = batch.last else { break }
                cursor = (last.latestMessageAt.millisecondsSince1970, Int64(last.id) ?? 0)
            }
            let page = Array(visible.prefix(limit))
            return (page, visible.count > limit ? page.last.map(Cursor.init) : nil)
        }
    }

    /// How many open conversations without a ticket the caller may see (the Inbox's count): all
    /// of them, or (R8) those the caller owns when their scope is narrower.
    public func inboxCount(by caller: Caller) async throws -> Int {
        try caller.check(.workConversations)
        let user = caller.user
        let everyone = user.roles.contains(.superAdmin) || user.ticketScope == .all
        return try await desk.database.read { try await $0.inboxCount(ownerID: everyone ? nil : user.id) }
    }

    public func get(id: String, by caller: Caller) async throws -> Conversation {
        try caller.check(.workConversations)
        let user = caller.user
        return try await desk.database.read { session in
            guard let conversation = try await session.conversation(id: id),
                  try await Self.visible(conversation, to: user, session: session) else {
                throw HelpDeskError.notFound("Conversation \(id) does not exist.")
            }
            return conversation
        }
    }

    /// A conversation's messages, oldest first, comments included.
    public func messages(conversationID: String, by caller: Caller) async throws -> [ConversationMessage] {
        _ = try await get(id: conversationID, by: caller)
        return try await desk.database.read { session in try await session.messages(conversationID: conversationID) }
    }

    /// One message, for whoever may see its conversation.
    public func message(id: String, by caller: Caller) async throws -> ConversationMessage {
        try caller.check(.workConversations)
        guard let message = try await desk.database.read({ try await $0.message(id: id) }) else {
            throw HelpDeskError.notFound("Message \(id) does not exist.")
        }
        _ = try await get(id: message.conversationID, by: caller)
        return message
    }

    /// An attachment's bytes, for whoever may see its conversation.
    public func attachment(id: String, by caller: Caller) async throws -> (AttachmentSummary, Data) {
        try caller.check(.workConversations)
        guard let (summary, conversationID, data) = try await desk.database.read({ try await $0.attachment(id: id) }) else {
            throw HelpDeskError.notFound("Attachment \(id) does not exist.")
        }
        _ = try await get(id: conversationID, by: caller)
        return (summary, data)
    }

    /// Whether the user may see a conversation: by its ticket's owner and team (R8), or by its own
    /// owner in the inbox. A trashed conversation's ticket is in the archive.
    static func visible(_ conversation: Conversation, to user: User, session: StoreSession, trashed: Bool = false) async throws -> Bool {
        guard let ticketID = conversation.ticketID, let numeric = Int64(ticketID) else {
            return Access.canSee(ticketOwnedBy: conversation.ownerID, team: nil, user: user)
        }
        guard let ticket = try await session.records(type: .tickets, ids: [numeric], archived: trashed).first else {
            return false
        }
        return RecordService.visible(ticket, to: user, type: .tickets)
    }

    /// Those of `users` who may see a conversation, its ticket read once for all of them.
    static func readers(of conversation: Conversation, among users: [User], session: StoreSession) async throws -> [User] {
        guard let ticketID = conversation.ticketID, let numeric = Int64(ticketID) else {
            return users.filter { Access.canSee(ticketOwnedBy: conversation.ownerID, team: nil, user: $0) }
        }
        guard let ticket = try await session.records(type: .tickets, ids: [numeric]).first else { return [] }
        return users.filter { RecordService.visible(ticket, to: $0, type: .tickets) }
    }
}
