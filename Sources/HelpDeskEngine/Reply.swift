import Foundation
import HelpDeskCore
import HelpDeskMail
import HelpDeskStore

/// An agent's answer to a conversation, as written in the reply editor (R1, R2).
public struct ReplyDraft: Sendable {
    public var text: String
    /// Rich text; sanitised before it is stored or sent.
    public var html: String?
    /// Recipients; the conversation's customer when `nil`.
    public var to: [String]?
    public var cc: [String]
    public var bcc: [String]
    /// The email channel to send from (R2); the conversation's own when `nil`.
    public var channelID: String?
    /// The message answered (R1); the latest of the thread, whoever wrote it, when `nil`.
    public var inReplyTo: String?
    public var subject: String?
    /// Files sent with an email reply (R3), within `AttachmentLimits`.
    public var attachments: [NewAttachment]
    /// R5: the ticket's status, set in the reply's own transaction; W1's "sent" switch leaves it.
    public var status: String?

    public init(text: String, html: String? = nil, to: [String]? = nil, cc: [String] = [], bcc: [String] = [],
                channelID: String? = nil, inReplyTo: String? = nil, subject: String? = nil, attachments: [NewAttachment] = [],
                status: String? = nil) {
        self.text = text
        self.html = html
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.channelID = channelID
        self.inReplyTo = inReplyTo
        self.subject = subject
        self.attachments = attachments
        self.status = status
    }

    /// Refuses files beyond `AttachmentLimits`, before anything is looked up or written.
    func checkAttachments() throws {
        if let problem = AttachmentLimits.problem(with: attachments) { throw HelpDeskError.badRequest(problem) }
    }
}

extension ConversationService {
    static let maxRecipients = 50

    /// Sends an agent's reply: the message is stored on the thread and written to the outbox in
    /// one transaction; the delivery workers send it after commit. Email conversations are
    /// answered by email; custom channel and WhatsApp conversations on their channel; form and
    /// call conversations by email, from the team address chosen or the first one connected.
    public func reply(conversationID: String, _ draft: ReplyDraft, by caller: Caller) async throws -> ConversationMessage {
        let conversation = try await get(id: conversationID, by: caller)
        if conversation.ticketID != nil { try caller.check(.writeRecords(.tickets)) }
        let text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty || !(draft.html ?? "").isEmpty else { throw HelpDeskError.badRequest("A reply needs a text.") }
        guard text.utf8.count <= 65_536, (draft.html ?? "").utf8.count <= 1_048_576 else {
            throw HelpDeskError.badRequest("A reply holds at most 64 KiB of text and 1 MiB of rich text.")
        }
        try draft.checkAttachments()
        let status = draft.status.flatMap { $0.isEmpty ? nil : $0 }
        if status != nil, conversation.ticketID == nil {
            throw HelpDeskError.badRequest("Conversation \(conversation.id) has no ticket to set the status of.")
        }
        let html = draft.html.map { HTMLSanitizer.clean($0) }
        let plain = text.isEmpty ? html.map(HTMLText.plain) ?? "" : draft.text
        let (own, emailChannels) = try await desk.database.read { session in
            (try await session.channel(id: conversation.channelID), try await session.channels(kind: .email))
        }
        if let own, !own.archived, [.custom, .whatsapp, .chat].contains(own.kind), draft.channelID == nil || draft.channelID == own.id {
            guard draft.attachments.isEmpty else {
                throw HelpDeskError.badRequest("Files can be attached to email replies only; send the text alone on this channel.")
            }
            if own.kind == .chat { return try await replyInChat(conversation, text: plain, channel: own, status: status, by: caller) }
            return try await replyOnChannel(conversation, text: plain, html: html, channel: own, status: status, by: caller)
        }
        let defaultEmail = own?.kind == .email ? own : emailChannels.first
        let channelID = draft.channelID ?? defaultEmail?.id ?? conversation.channelID
        guard let channel = emailChannels.first(where: { $0.id == channelID }) else {
            throw HelpDeskError.badRequest("Channel \(channelID) is not a connected team email address to send from.")
        }
        var customer = conversation.customerAddress
        if !Channel.isValidEmailAddress(Channel.normalizedAddress(customer)), let contactID = conversation.contactID.flatMap({ Int64($0) }),
           let email = try await desk.database.read({ try await $0.records(type: .contacts, ids: [contactID]).first?.properties["email"] }) {
            // A caller or chat visitor is answered by email once their address is known.
            customer = email
        }
        let to = (draft.to ?? [customer]).map(Channel.normalizedAddress)
        let cc = draft.cc.map(Channel.normalizedAddress), bcc = draft.bcc.map(Channel.normalizedAddress)
        let everyone = to + cc + bcc
        guard !to.isEmpty else { throw HelpDeskError.badRequest("A reply needs at least one recipient in to.") }
        guard everyone.count <= Self.maxRecipients else {
            throw HelpDeskError.badRequest("A reply goes to at most \(Self.maxRecipients) recipients; \(everyone.count) given.")
        }
        if let bad = everyone.first(where: { !Channel.isValidEmailAddress($0) }) {
            throw HelpDeskError.badRequest("\"\(bad)\" is not an email address.")
        }
        let now = desk.clock()
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        let message = try await desk.database.write { session in
            try await Self.storeEmail(in: conversation, answering: draft.inReplyTo, subject: draft.subject, from: channel,
                                      to: to, cc: cc, bcc: bcc, text: plain, html: html, attachments: draft.attachments, status: status,
                                      by: caller, at: now, tickets: tickets, session: session)
        }
        return message
    }

    /// The email an agent sends on a thread, in the transaction of `session`: the message on the
    /// thread with its files stored as incoming ones are, the mail carrying them in the outbox,
    /// and what every reply leaves (`recordSent`), with the status chosen with it (R5).
    static func storeEmail(in conversation: Conversation, answering wanted: String?, subject given: String?, from channel: Channel,
                           to: [String], cc: [String], bcc: [String], text plain: String, html: String?,
                           attachments: [NewAttachment], status: String? = nil, by caller: Caller, at now: Timestamp, tickets: RecordSchema,
                           session: StoreSession) async throws -> ConversationMessage {
        let thread = try await session.messages(conversationID: conversation.id)
        let answered: ConversationMessage?
        if let wanted {
            guard let found = thread.first(where: { $0.id == wanted && $0.direction != .comment }) else {
                throw HelpDeskError.badRequest("Message \(wanted) is not a message of conversation \(conversation.id).")
            }
            answered = found
        } else {
            answered = thread.last { $0.direction != .comment }
        }
        let references = thread.prefix { $0.id != answered?.id }.compactMap(\.messageID) + [answered?.messageID].compactMap { $0 }
        let subject = given ?? Self.replySubject(to: answered?.subject ?? conversation.subject, ticketID: conversation.ticketID)
        let domain = channel.address.split(separator: "@").last.map(String.init) ?? "localhost"
        let mail = OutgoingMail(
            from: MailAddress(name: channel.name == channel.address ? nil : channel.name, address: channel.address),
            to: to.map { MailAddress(name: nil, address: $0) }, cc: cc.map { MailAddress(name: nil, address: $0) },
            replyTo: MailAddress(name: channel.name == channel.address ? nil : channel.name,
                                 address: conversation.ticketID.map { TicketToken.replyAddress(teamAddress: channel.address, ticketID: $0) }
                                     ?? channel.address),
            subject: subject, text: plain, html: html, messageID: OutgoingMail.newMessageID(domain: domain),
            inReplyTo: answered?.messageID, references: references, date: now.millisecondsSince1970,
            attachments: attachments.map { MailAttachment(filename: $0.filename, contentType: $0.contentType, data: $0.bytes) })
        let author = caller.user
        var stored = try await session.insertMessage(ConversationMessage(
            id: "", conversationID: conversation.id, direction: .outgoing, senderAddress: channel.address,
            senderName: author.displayName,
            to: to, cc: cc, subject: subject, text: plain, html: html, messageID: mail.messageID,
            inReplyTo: answered?.messageID, isForward: false, automatic: nil, authorID: author.id, createdAt: now),
            attachments: attachments)
        try await session.enqueueMail(messageID: Int64(stored.id), sender: channel.address, recipients: to + cc + bcc,
                                      data: mail.rendered(), now: now)
        try await Self.recordSent(stored, in: conversation, by: caller, at: now, status: status, tickets: tickets, session: session)
        stored.delivery = .init(status: .queued, attempts: 0, lastError: nil, sentAt: nil)
        return stored
    }

    /// A reply on a custom channel or WhatsApp: stored on the thread, and posted to the service
    /// behind the channel through the outbox.
    func replyOnChannel(_ conversation: Conversation, text: String, html: String?, channel: Channel, status: String?,
                        by caller: Caller) async throws -> ConversationMessage {
        let now = desk.clock()
        let author = caller.user
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        let message = try await desk.database.write { session in
            var stored = try await session.insertMessage(ConversationMessage(
                id: "", conversationID: conversation.id, direction: .outgoing, senderAddress: channel.address,
                senderName: author.displayName, to: [conversation.customerAddress], cc: [], subject: conversation.subject,
                text: text, html: html, messageID: nil, inReplyTo: nil, isForward: false, automatic: nil, authorID: author.id,
                createdAt: now), attachments: [])
            let payload = try ChannelPost.payload(for: stored, conversation: conversation, channel: channel)
            try await session.enqueuePost(messageID: Int64(stored.id), channelID: channel.id, recipient: conversation.customerAddress,
                                          payload: payload, now: now)
            try await Self.recordSent(stored, in: conversation, by: caller, at: now, status: status, tickets: tickets, session: session)
            stored.delivery = .init(status: .queued, attempts: 0, lastError: nil, sentAt: nil)
            return stored
        }
        return message
    }

    /// An agent answers in a live chat: the visitor's socket shows it at once. An agent stepping
    /// into a chat the chatbot handles takes it over, and it gets its ticket (C2).
    func replyInChat(_ conversation: Conversation, text: String, channel: Channel, status: String?,
                     by caller: Caller) async throws -> ConversationMessage {
        let now = desk.clock()
        let author = caller.user
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        let message = try await desk.database.write { session in
            guard var chat = try await session.conversation(id: conversation.id, locking: true) else {
                throw HelpDeskError.notFound("Conversation \(conversation.id) does not exist.")
            }
            let handOff = try await LiveChat.handOff(&chat, channel: channel, tickets: tickets, now: now, session: session)
            var stored = try await session.insertMessage(ConversationMessage(
                id: "", conversationID: chat.id, direction: .outgoing, senderAddress: channel.address,
                senderName: author.displayName, to: [chat.customerAddress], cc: [], subject: chat.subject,
                text: text, html: nil, messageID: nil, inReplyTo: nil, isForward: false, automatic: nil, authorID: author.id,
                createdAt: now), attachments: [])
            try await Self.recordSent(stored, in: chat, by: caller, at: now, with: handOff, status: status, tickets: tickets, session: session)
            stored.delivery = .init(status: .sent, attempts: 1, lastError: nil, sentAt: now)
            return stored
        }
        return message
    }

    /// What every reply leaves besides its message: new activity on the conversation, the
    /// ticket's timeline entry (after `events` made in the same transaction), and (A2) the
    /// conversation and its ticket assigned to the agent who answered, if nobody owns them.
    /// `status`, chosen with the reply, is set on its ticket here (R5).
    static func recordSent(_ message: ConversationMessage, in conversation: Conversation, by caller: Caller, at now: Timestamp,
                           with events: [FeedEvent] = [], status: String? = nil, tickets: RecordSchema,
                           session: StoreSession) async throws {
        // The ticket is locked before the conversation, as every write that touches both does.
        let assigned = caller.user.id == Caller.systemUserID ? []
            : try await assignOnReply(conversation.id, to: caller, at: now, tickets: tickets, session: session)
        if let status, let ticketID = conversation.ticketID.flatMap({ Int64($0) }),
           let ticket = try await session.records(type: .tickets, ids: [ticketID]).first {
            do {
                let write = try RecordWrite.update(ticket.properties, with: ["hs_pipeline_stage": status], schema: tickets, now: now)
                try await RecordService.apply([(ticket, write)], schema: tickets, actor: caller.user.id, source: caller.source, now: now,
                                              session: session)
            } catch let error as RecordInputError {
                throw HelpDeskError.invalidInput(error)
            }
        }
        try await session.touchConversation(id: conversation.id, at: now)
        if let ticketID = conversation.ticketID, caller.user.id != Caller.systemUserID {
            // Sending removes the author's draft of the ticket (R4), in the same transaction.
            try await session.deleteDraft(userID: caller.user.id, ticketID: ticketID)
        }
        try session.append(events + [
            FeedEvent(recordID: conversation.ticketID, conversationID: Int64(conversation.id), objectType: ObjectType.tickets.id,
                      kind: .messageSent, property: "conversation", oldValue: status == nil ? nil : FeedEvent.statusChosen,
                      newValue: message.id, actor: caller.user.id, source: caller.source, occurredAt: now),
        ] + assigned)
    }

    /// A2, in the reply's transaction: returns the feed's entries for the conversation's change
    /// (the ticket's are appended by `RecordService.apply`).
    static func assignOnReply(_ conversationID: String, to caller: Caller, at now: Timestamp, tickets: RecordSchema,
                              session: StoreSession) async throws -> [FeedEvent] {
        try await session.lockRecords(ids: [try await session.conversation(id: conversationID)?.ticketID.flatMap { Int64($0) }]
            .compactMap { $0 })
        guard let current = try await session.conversation(id: conversationID, locking: true) else { return [] }
        var ticket: Record?
        if let ticketID = current.ticketID.flatMap({ Int64($0) }) {
            ticket = try await session.records(type: .tickets, ids: [ticketID]).first
        }
        guard let owner = ConversationCascade.ownerAfterReply(by: caller.user.id, to: current,
                                                              ticketOwner: ticket?.properties[Record.ownerProperty]) else { return [] }
        let (assigned, ticketOwner) = ConversationCascade.ownerSet(owner, on: current)
        try await session.updateConversation(assigned)
        if let ticket, let ticketOwner {
            let write: RecordWrite
            do {
                write = try RecordWrite.update(ticket.properties, with: [Record.ownerProperty: ticketOwner], schema: tickets, now: now)
            } catch {
                throw HelpDeskError.invalidInput(error)
            }
            try await RecordService.apply([(ticket, write)], schema: tickets, actor: caller.user.id, source: caller.source,
                                          now: now, session: session)
        }
        return changes(from: current, to: assigned, by: caller, at: now)
    }

    /// `Re: <subject>` once, with the ticket's token so that a reply that loses its headers still
    /// finds the ticket (C3).
    static func replySubject(to subject: String, ticketID: String?) -> String {
        let lowered = subject.lowercased()
        var result = lowered.hasPrefix("re:") || lowered.hasPrefix("aw:") || lowered.hasPrefix("sv:") ? subject : "Re: " + subject
        if let ticketID, TicketToken.ticketID(inSubject: subject) != ticketID {
            result += " " + TicketToken.tag(ticketID: ticketID)
        }
        return result
    }
}

extension ConversationService {
    /// The teammates a comment on this conversation can mention (R6), with the handle that names
    /// each: active users other than the caller who may see it.
    public func mentionable(conversationID: String, by caller: Caller) async throws -> [(user: User, handle: String)] {
        let conversation = try await get(id: conversationID, by: caller)
        let author = caller.user
        return try await desk.database.read { session in
            let users = try await session.users(includeArchived: false)
            let candidates = users.filter { $0.id != author.id && Access.allows($0, .workConversations) }
            return try await Self.readers(of: conversation, among: candidates, session: session).map { ($0, Mention.handle(for: $0, among: users)) }
        }
    }

    /// An internal comment on a conversation: seen by the team, never sent to the customer (R6),
    /// with the files attached to it (R3). Teammates it mentions with `@name` who may see the
    /// conversation are notified.
    public func comment(conversationID: String, text: String, attachments: [NewAttachment] = [],
                        by caller: Caller) async throws -> ConversationMessage {
        let conversation = try await get(id: conversationID, by: caller)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw HelpDeskError.badRequest("A comment needs a text.") }
        guard trimmed.utf8.count <= 65_536 else { throw HelpDeskError.badRequest("A comment holds at most 64 KiB of text.") }
        if let problem = AttachmentLimits.problem(with: attachments) { throw HelpDeskError.badRequest(problem) }
        let now = desk.clock()
        let author = caller.user
        let (channel, thread, drafted) = try await desk.database.read { session in
            var drafted = false
            if let ticketID = conversation.ticketID {
                drafted = try await session.draft(userID: author.id, ticketID: ticketID) != nil
            }
            return (try await session.channel(id: conversation.channelID), try await session.messages(conversationID: conversation.id), drafted)
        }
        if channel?.kind == .call, !drafted, !thread.contains(where: { $0.direction == .outgoing }) {
            throw HelpDeskError.conflict("On a call's conversation, comments open once an email to the caller is drafted or sent (R6).")
        }
        let mentioned = try await desk.database.read { session in
            let named = Mention.mentionedUsers(in: trimmed, among: try await session.users(includeArchived: false)).filter { $0.id != author.id }
            return try await Self.readers(of: conversation, among: named, session: session)
        }
        return try await desk.database.write { session in
            let stored = try await session.insertMessage(ConversationMessage(
                id: "", conversationID: conversation.id, direction: .comment, senderAddress: author.email,
                senderName: author.displayName,
                to: [], cc: [], subject: "", text: trimmed, html: nil, messageID: nil, inReplyTo: nil, isForward: false,
                automatic: nil, authorID: author.id, createdAt: now), attachments: attachments)
            try await NotificationService.deliver(mentioned.map {
                AgentNotification(id: "", userID: $0.id, kind: .mention, conversationID: conversation.id, messageID: stored.id,
                                  ticketID: conversation.ticketID, actorID: author.id, text: String(trimmed.prefix(280)), createdAt: now)
            }, session: session)
            return stored
        }
    }
}
