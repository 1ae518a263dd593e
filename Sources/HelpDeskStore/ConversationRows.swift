import Foundation
import HelpDeskCore
import SQLKit

/// Storage of channels, conversations, their messages and attachments.
extension StoreSession {
    package func insertChannel(_ channel: Channel) async throws -> Channel {
        let row = try await sql.raw("""
            INSERT INTO channels (kind, name, address, pipeline_id, creates_tickets, archived, created_at, settings)
            VALUES (\(bind: channel.kind.rawValue), \(bind: channel.name), \(bind: channel.address), \(bind: channel.pipelineID),
                    \(bind: channel.createsTickets ? 1 : 0), 0, \(bind: channel.createdAt.millisecondsSince1970),
                    \(bind: try Self.encodeJSON(channel.settings)))
            RETURNING id
            """).first()
        var stored = channel
        stored.id = String(try row?.decode(column: "id", as: Int64.self) ?? 0)
        return stored
    }

    /// Live channels, oldest first.
    package func channels(kind: Channel.Kind? = nil) async throws -> [Channel] {
        let filter: SQLQueryString = kind.map { "AND kind = \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw("SELECT * FROM channels WHERE archived = 0 \(filter) ORDER BY id").all().map(Self.channel)
    }

    package func channel(id: String) async throws -> Channel? {
        guard let numeric = Int64(id) else { return nil }
        return try await sql.raw("SELECT * FROM channels WHERE id = \(bind: numeric)").first().map(Self.channel)
    }

    /// The live channel of a kind at an address (for email: the team address, normalised).
    package func channel(kind: Channel.Kind, address: String) async throws -> Channel? {
        try await sql.raw("""
            SELECT * FROM channels WHERE kind = \(bind: kind.rawValue) AND address = \(bind: address) AND archived = 0
            """).first().map(Self.channel)
    }

    package func updateChannel(_ channel: Channel) async throws {
        try await sql.raw("""
            UPDATE channels SET name = \(bind: channel.name), pipeline_id = \(bind: channel.pipelineID),
                creates_tickets = \(bind: channel.createsTickets ? 1 : 0), archived = \(bind: channel.archived ? 1 : 0),
                settings = \(bind: try Self.encodeJSON(channel.settings))
            WHERE id = \(bind: StoreError.rowID(channel.id, of: "channels"))
            """).run()
    }

    package func insertConversation(_ conversation: Conversation) async throws -> Conversation {
        let row = try await sql.raw("""
            INSERT INTO conversations (channel_id, ticket_id, status, owner_id, contact_id, customer_address, subject,
                                       created_at, latest_message_at, closed_at, external_thread_id, with_bot)
            VALUES (\(bind: StoreError.rowID(conversation.channelID, of: "channels")), \(bind: conversation.ticketID.flatMap { Int64($0) }),
                    \(bind: conversation.status.rawValue), \(bind: conversation.ownerID),
                    \(bind: conversation.contactID.flatMap { Int64($0) }), \(bind: conversation.customerAddress),
                    \(bind: conversation.subject), \(bind: conversation.createdAt.millisecondsSince1970),
                    \(bind: conversation.latestMessageAt.millisecondsSince1970),
                    \(bind: conversation.closedAt?.millisecondsSince1970), \(bind: conversation.externalThreadID),
                    \(bind: conversation.withBot ? 1 : 0))
            RETURNING id
            """).first()
        let id = try row?.decode(column: "id", as: Int64.self) ?? 0
        var stored = conversation
        stored.id = String(id)
        try append([FeedEvent(recordID: conversation.ticketID, conversationID: id, objectType: ObjectType.tickets.id,
                              kind: .conversationOpened, newValue: conversation.channelID, actor: "system", source: "CHANNEL",
                              occurredAt: conversation.createdAt)])
        return stored
    }

    package func updateConversation(_ conversation: Conversation) async throws {
        try await sql.raw("""
            UPDATE conversations SET ticket_id = \(bind: conversation.ticketID.flatMap { Int64($0) }),
                status = \(bind: conversation.status.rawValue), owner_id = \(bind: conversation.ownerID),
                contact_id = \(bind: conversation.contactID.flatMap { Int64($0) }),
                latest_message_at = \(bind: conversation.latestMessageAt.millisecondsSince1970),
                closed_at = \(bind: conversation.closedAt?.millisecondsSince1970),
                trashed_at = \(bind: conversation.trashedAt?.millisecondsSince1970), with_bot = \(bind: conversation.withBot ? 1 : 0)
            WHERE id = \(bind: StoreError.rowID(conversation.id, of: "conversations"))
            """).run()
    }

    /// Writes a conversation's status and close time alone, leaving the rest as other writers left it.
    package func setStatus(of conversation: Conversation) async throws {
        try await sql.raw("""
            UPDATE conversations SET status = \(bind: conversation.status.rawValue),
                closed_at = \(bind: conversation.closedAt?.millisecondsSince1970)
            WHERE id = \(bind: StoreError.rowID(conversation.id, of: "conversations"))
            """).run()
    }

    /// A conversation by id; one in the trash only when `trashed` is true. `locking` it (in a
    /// write) makes other writers of the same conversation wait on PostgreSQL, so that a change
    /// read here and written back loses none of theirs; SQLite's single writer does that anyway.
    package func conversation(id: String, trashed: Bool = false, locking: Bool = false) async throws -> Conversation? {
        guard let numeric = Int64(id) else { return nil }
        let state: SQLQueryString = trashed ? "trashed_at IS NOT NULL" : "trashed_at IS NULL"
        let lock: SQLQueryString = locking && dialect == .postgres ? " FOR UPDATE" : ""
        return try await sql.raw("SELECT * FROM conversations WHERE id = \(bind: numeric) AND \(state)\(lock)")
            .first().map(Self.conversation)
    }

    /// The conversation of a channel that the service behind it calls `threadID`: the live one, or
    /// (with `trashed`) the one in the trash.
    package func conversation(channelID: String, externalThreadID threadID: String, trashed: Bool = false) async throws -> Conversation? {
        // An id that cannot be a row's names no conversation.
        guard let channel = Int64(channelID) else { return nil }
        let state: SQLQueryString = trashed ? "trashed_at IS NOT NULL" : "trashed_at IS NULL"
        return try await sql.raw("""
            SELECT * FROM conversations WHERE channel_id = \(bind: channel) AND external_thread_id = \(bind: threadID)
              AND \(state) ORDER BY id DESC LIMIT 1
            """).first().map(Self.conversation)
    }

    /// Makes other transactions that take the same lock wait until this one ends, so that two
    /// messages arriving together cannot both open a conversation or make a contact. On SQLite
    /// the single writer already does.
    package func lock(_ key: String) async throws {
        guard dialect == .postgres else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(7226112, hashtext(\(bind: key)))").run()
    }

    /// Locks records for the rest of the transaction on PostgreSQL. Writes that touch a ticket and
    /// its conversations lock the ticket first, whichever side they start from, so that two of
    /// them never wait for each other.
    package func lockRecords(ids: [Int64]) async throws {
        guard dialect == .postgres, !ids.isEmpty else { return }
        try await sql.raw("SELECT id FROM records WHERE id IN (\(binds: ids)) FOR UPDATE").run()
    }

    /// A customer's most recently active live conversation on a channel.
    package func latestConversation(channelID: String, customerAddress: String) async throws -> Conversation? {
        guard let channel = Int64(channelID) else { return nil }
        return try await sql.raw("""
            SELECT * FROM conversations WHERE channel_id = \(bind: channel) AND customer_address = \(bind: customerAddress)
              AND trashed_at IS NULL ORDER BY latest_message_at DESC, id DESC LIMIT 1
            """).first().map(Self.conversation)
    }

    /// The customer addresses of conversations, for ringing the chat sockets that show them.
    package func customerAddresses(conversationIDs: [Int64]) async throws -> Set<String> {
        guard !conversationIDs.isEmpty else { return [] }
        return Set(try await sql.raw("""
            SELECT DISTINCT customer_address FROM conversations WHERE id IN (\(binds: conversationIDs))
            """).all().map { try $0.decode(column: "customer_address", as: String.self) })
    }

    /// The conversations of these tickets, oldest first; those in the trash only when `trashed` is true.
    package func conversations(ticketIDs: [Int64], trashed: Bool = false) async throws -> [Conversation] {
        guard !ticketIDs.isEmpty else { return [] }
        let state: SQLQueryString = trashed ? "trashed_at IS NOT NULL" : "trashed_at IS NULL"
        return try await sql.raw("""
            SELECT * FROM conversations WHERE ticket_id IN (\(binds: ticketIDs)) AND \(state) ORDER BY id
            """).all().map(Self.conversation)
    }

    /// Moves these tickets' conversations to the trash (their tickets were deleted, C7).
    package func trashConversations(ticketIDs: [Int64], at time: Timestamp) async throws {
        guard !ticketIDs.isEmpty else { return }
        try await sql.raw("""
            UPDATE conversations SET trashed_at = \(bind: time.millisecondsSince1970)
            WHERE ticket_id IN (\(binds: ticketIDs)) AND trashed_at IS NULL
            """).run()
    }

    /// Deletes for good what has been in the trash since `limit` or before: conversations, their
    /// messages, attachments, unsent mail and notifications. Their tickets stay in the archive, as
    /// deleted records do. Returns how many conversations went.
    package func purgeTrash(before limit: Timestamp) async throws -> Int {
        let ids = try await sql.raw("""
            SELECT id FROM conversations WHERE trashed_at IS NOT NULL AND trashed_at <= \(bind: limit.millisecondsSince1970)
            ORDER BY id LIMIT 500
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
        guard !ids.isEmpty else { return 0 }
        let messages: SQLQueryString = "SELECT id FROM messages WHERE conversation_id IN (\(binds: ids))"
        try await sql.raw("DELETE FROM attachments WHERE message_id IN (\(messages))").run()
        try await sql.raw("DELETE FROM outbox WHERE message_id IN (\(messages))").run()
        try await sql.raw("DELETE FROM messages WHERE conversation_id IN (\(binds: ids))").run()
        try await sql.raw("DELETE FROM notifications WHERE conversation_id IN (\(binds: ids))").run()
        try await sql.raw("DELETE FROM conversations WHERE id IN (\(binds: ids))").run()
        return ids.count
    }

    /// Conversations, most recently active first. `after` pages: the previous page's last position.
    package func conversations(ticketID: String? = nil, withoutTicket: Bool = false, status: Conversation.Status? = nil,
                              trashed: Bool = false, limit: Int, after cursor: (at: Int64, id: Int64)? = nil) async throws
        -> [Conversation] {
        var conditions: SQLQueryString = trashed ? "trashed_at IS NOT NULL" : "trashed_at IS NULL"
        if let ticketID {
            guard let ticket = Int64(ticketID) else { return [] }
            conditions += " AND ticket_id = \(bind: ticket)"
        }
        if withoutTicket { conditions += " AND ticket_id IS NULL" }
        if let status { conditions += " AND status = \(bind: status.rawValue)" }
        if let cursor {
            conditions += " AND (latest_message_at < \(bind: cursor.at) OR (latest_message_at = \(bind: cursor.at) AND id < \(bind: cursor.id)))"
        }
        return try await sql.raw("""
            SELECT * FROM conversations WHERE \(conditions) ORDER BY latest_message_at DESC, id DESC LIMIT \(bind: limit)
            """).all().map(Self.conversation)
    }

    /// How many open conversations wait without a ticket; only `ownerID`'s when given.
    package func inboxCount(ownerID: String?) async throws -> Int {
        var conditions: SQLQueryString = "trashed_at IS NULL AND ticket_id IS NULL AND status = 'OPEN'"
        if let ownerID { conditions += " AND owner_id = \(bind: ownerID)" }
        return try await sql.raw("SELECT COUNT(*) AS n FROM conversations WHERE \(conditions)").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The stored messages with these Message-IDs, also in the trash: their conversation, direction
    /// and whether they forward another message, by id.
    package func messageThreads(forMessageIDs ids: [String]) async throws
        -> [String: (conversationID: String, direction: ConversationMessage.Direction, isForward: Bool)] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT m.message_id, m.conversation_id, m.direction, m.is_forward FROM messages m
            WHERE m.message_id IN (\(binds: ids))
            """).all()
        var found: [String: (String, ConversationMessage.Direction, Bool)] = [:]
        for row in rows {
            let direction = ConversationMessage.Direction(rawValue: try row.decode(column: "direction", as: String.self)) ?? .incoming
            let id = try row.decode(column: "message_id", as: String.self)
            if found[id]?.1 != .incoming {
                found[id] = (String(try row.decode(column: "conversation_id", as: Int64.self)), direction,
                             try row.decode(column: "is_forward", as: Int.self) != 0)
            }
        }
        return found
    }

    /// Marks new activity on a conversation and returns it; `nil` if it is gone (trashed).
    @discardableResult
    package func touchConversation(id: String, at time: Timestamp) async throws -> Conversation? {
        guard let row = Int64(id) else { return nil }
        return try await sql.raw("""
            UPDATE conversations SET latest_message_at = \(bind: time.millisecondsSince1970)
            WHERE id = \(bind: row) AND trashed_at IS NULL
            RETURNING *
            """).first().map(Self.conversation)
    }

    /// Stores a message and its attachments' bytes; returns it with its id and attachment ids.
    package func insertMessage(_ message: ConversationMessage, attachments: [NewAttachment]) async throws -> ConversationMessage {
        let row = try await sql.raw("""
            INSERT INTO messages (conversation_id, direction, sender_address, sender_name, to_addresses, cc_addresses,
                                  subject, text, html, message_id, in_reply_to, is_forward, automatic, author_id, created_at,
                                  replies_to_forward)
            VALUES (\(bind: StoreError.rowID(message.conversationID, of: "conversations")), \(bind: message.direction.rawValue),
                    \(bind: message.senderAddress), \(bind: message.senderName), \(bind: message.to.joined(separator: ",")),
                    \(bind: message.cc.joined(separator: ",")), \(bind: message.subject), \(bind: message.text),
                    \(bind: message.html), \(bind: message.messageID), \(bind: message.inReplyTo),
                    \(bind: message.isForward ? 1 : 0), \(bind: message.automatic?.rawValue), \(bind: message.authorID),
                    \(bind: message.createdAt.millisecondsSince1970), \(bind: message.repliesToForward ? 1 : 0))
            RETURNING id
            """).first()
        var stored = message
        let id = try row?.decode(column: "id", as: Int64.self) ?? 0
        stored.id = String(id)
        stored.attachments = []
        for attachment in attachments {
            let row = try await sql.raw("""
                INSERT INTO attachments (message_id, filename, content_type, content_id, inline, size, data)
                VALUES (\(bind: id), \(bind: attachment.filename), \(bind: attachment.contentType), \(bind: attachment.contentID),
                        \(bind: attachment.inline ? 1 : 0), \(bind: attachment.bytes.count), \(bind: Data(attachment.bytes)))
                RETURNING id
                """).first()
            stored.attachments.append(AttachmentSummary(
                id: String(try row?.decode(column: "id", as: Int64.self) ?? 0), filename: attachment.filename,
                contentType: attachment.contentType, size: attachment.bytes.count, inline: attachment.inline))
        }
        return stored
    }

    /// One message, without its attachments' list.
    package func message(id: String) async throws -> ConversationMessage? {
        guard let numeric = Int64(id) else { return nil }
        return try await sql.raw("SELECT * FROM messages WHERE id = \(bind: numeric)").first().map(Self.message)
    }

    /// A conversation's messages in the order they were stored.
    package func messages(conversationID: String, afterID: Int64 = 0, limit: Int = 500) async throws -> [ConversationMessage] {
        guard let conversation = Int64(conversationID) else { return [] }
        let rows = try await sql.raw("""
            SELECT * FROM messages WHERE conversation_id = \(bind: conversation) AND id > \(bind: afterID)
            ORDER BY id LIMIT \(bind: limit)
            """).all()
        var messages = try rows.map(Self.message)
        guard !messages.isEmpty else { return [] }
        let listed = try await sql.raw("""
            SELECT id, message_id, filename, content_type, size, inline FROM attachments
            WHERE message_id IN (\(binds: messages.compactMap { Int64($0.id) })) ORDER BY id
            """).all()
        var byMessage: [String: [AttachmentSummary]] = [:]
        for row in listed {
            byMessage[String(try row.decode(column: "message_id", as: Int64.self)), default: []].append(AttachmentSummary(
                id: String(try row.decode(column: "id", as: Int64.self)), filename: try row.decode(column: "filename", as: String.self),
                contentType: try row.decode(column: "content_type", as: String.self), size: try row.decode(column: "size", as: Int.self),
                inline: try row.decode(column: "inline", as: Int.self) != 0))
        }
        for index in messages.indices {
            messages[index].attachments = byMessage[messages[index].id] ?? []
        }
        return messages
    }

    /// One attachment's bytes with the conversation it belongs to (for the access check).
    package func attachment(id: String) async throws -> (summary: AttachmentSummary, conversationID: String, data: Data)? {
        guard let numeric = Int64(id), let row = try await sql.raw("""
            SELECT a.*, m.conversation_id FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = \(bind: numeric)
            """).first() else { return nil }
        let summary = AttachmentSummary(
            id: id, filename: try row.decode(column: "filename", as: String.self),
            contentType: try row.decode(column: "content_type", as: String.self), size: try row.decode(column: "size", as: Int.self),
            inline: try row.decode(column: "inline", as: Int.self) != 0)
        return (summary, String(try row.decode(column: "conversation_id", as: Int64.self)), try row.decode(column: "data", as: Data.self))
    }

    static func channel(_ row: any SQLRow) throws -> Channel {
        Channel(id: String(try row.decode(column: "id", as: Int64.self)),
                kind: Channel.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .custom,
                name: try row.decode(column: "name", as: String.self), address: try row.decode(column: "address", as: String.self),
                pipelineID: try row.decode(column: "pipeline_id", as: String.self),
                createsTickets: try row.decode(column: "creates_tickets", as: Int.self) != 0,
                archived: try row.decode(column: "archived", as: Int.self) != 0,
                createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                settings: try decodeSettings(row))
    }

    static func decodeSettings(_ row: any SQLRow) throws -> ChannelSettings {
        let json = try row.decode(column: "settings", as: String.self)
        do {
            return try JSONDecoder().decode(ChannelSettings.self, from: Data(json.utf8))
        } catch {
            throw StoreError.corruptRow(table: "channels", detail: "\(error)")
        }
    }

    static func conversation(_ row: any SQLRow) throws -> Conversation {
        Conversation(
            id: String(try row.decode(column: "id", as: Int64.self)),
            channelID: String(try row.decode(column: "channel_id", as: Int64.self)),
            ticketID: try row.decode(column: "ticket_id", as: Int64?.self).map(String.init),
            status: Conversation.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
            ownerID: try row.decode(column: "owner_id", as: String?.self),
            contactID: try row.decode(column: "contact_id", as: Int64?.self).map(String.init),
            customerAddress: try row.decode(column: "customer_address", as: String.self),
            subject: try row.decode(column: "subject", as: String.self),
            createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            latestMessageAt: Timestamp(millisecondsSince1970: try row.decode(column: "latest_message_at", as: Int64.self)),
            closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)),
            trashedAt: try row.decode(column: "trashed_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)),
            externalThreadID: try row.decode(column: "external_thread_id", as: String?.self),
            withBot: try row.decode(column: "with_bot", as: Int.self) != 0)
    }

    static func message(_ row: any SQLRow) throws -> ConversationMessage {
        func list(_ column: String) throws -> [String] {
            try row.decode(column: column, as: String.self).split(separator: ",").map(String.init)
        }
        var message = ConversationMessage(
            id: String(try row.decode(column: "id", as: Int64.self)),
            conversationID: String(try row.decode(column: "conversation_id", as: Int64.self)),
            direction: ConversationMessage.Direction(rawValue: try row.decode(column: "direction", as: String.self)) ?? .incoming,
            senderAddress: try row.decode(column: "sender_address", as: String.self),
            senderName: try row.decode(column: "sender_name", as: String?.self),
            to: try list("to_addresses"), cc: try list("cc_addresses"),
            subject: try row.decode(column: "subject", as: String.self), text: try row.decode(column: "text", as: String.self),
            html: try row.decode(column: "html", as: String?.self), messageID: try row.decode(column: "message_id", as: String?.self),
            inReplyTo: try row.decode(column: "in_reply_to", as: String?.self),
            isForward: try row.decode(column: "is_forward", as: Int.self) != 0,
            repliesToForward: try row.decode(column: "replies_to_forward", as: Int.self) != 0,
            automatic: try row.decode(column: "automatic", as: String?.self).flatMap(ConversationMessage.Automatic.init(rawValue:)),
            authorID: try row.decode(column: "author_id", as: String?.self),
            createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
        if let status = try row.decode(column: "delivery_status", as: String?.self) {
            guard let parsed = ConversationMessage.Delivery.Status(rawValue: status) else {
                throw StoreError.corruptRow(table: "messages", detail: "unknown delivery status \(status)")
            }
            message.delivery = .init(
                status: parsed, attempts: try row.decode(column: "delivery_attempts", as: Int.self),
                lastError: try row.decode(column: "delivery_error", as: String?.self),
                sentAt: try row.decode(column: "delivered_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)))
        }
        return message
    }
}
