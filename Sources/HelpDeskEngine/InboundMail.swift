import Foundation
import HelpDeskCore
import HelpDeskMail
import HelpDeskStore
import Logging

/// Turns mail received by the SMTP listener into conversations and tickets (C2, C3): a reply
/// joins the thread it answers, a new message opens a conversation, with a ticket when its
/// channel's switch is on. Machine-sent mail never creates a ticket. Each message is stored in
/// one transaction before the sending server is told it was accepted.
public struct InboundMail: Sendable {
    let desk: HelpDesk

    /// What became of one incoming message.
    public struct Receipt: Sendable {
        public var conversationID: String
        public var messageID: String
        public var ticketID: String?
        /// The same message was already stored (the sending server retried after a lost reply).
        public var duplicate: Bool
    }

    /// Whether mail to this address is taken: a live email channel has it. Throws when that
    /// cannot be told (the database is unreachable): the sender is to try again later, never to
    /// hear that the address does not exist.
    public func accepts(recipient: String) async throws -> Bool {
        try await desk.channelDirectory.emailChannel(for: recipient) != nil
    }

    /// Stores one message received over SMTP.
    public func receive(_ envelope: SMTPEnvelope, raw: [UInt8]) async throws -> Receipt {
        var channel: Channel?
        var taggedTicket: String?
        for recipient in envelope.recipients {
            if let found = try await desk.channelDirectory.emailChannel(for: recipient) {
                channel = found
                taggedTicket = TicketToken.split(replyAddress: Channel.normalizedAddress(recipient))
                    .flatMap { $0.teamAddress == found.address ? $0.ticketID : nil }
                break
            }
        }
        guard let channel else {
            throw SMTPDeliveryRefusal(permanent: true, message: "None of the recipients is a team address of this help desk")
        }
        let mail: MailMessage
        do {
            mail = try MailMessage(parsing: raw)
        } catch {
            throw SMTPDeliveryRefusal(permanent: true, message: "The message cannot be read: \(error.message)")
        }
        do {
            return try await receive(mail, envelopeSender: envelope.sender, on: channel, taggedTicket: taggedTicket)
        } catch let refusal as HelpDeskError {
            // The help desk's own rules refuse it: trying again would not help.
            throw SMTPDeliveryRefusal(permanent: true, message: refusal.message)
        }
    }

    /// - Parameter taggedTicket: the ticket named by the reply address the mail was sent to.
    func receive(_ mail: MailMessage, envelopeSender: String, on channel: Channel, taggedTicket: String? = nil) async throws -> Receipt {
        let now = desk.clock()
        let sender = Channel.normalizedAddress(mail.from?.address ?? envelopeSender)
        let automatic: ConversationMessage.Automatic? = switch mail.automatic(envelopeSender: envelopeSender) {
        case .autoReply: .autoReply
        case .bounce: .bounce
        case .bulk: .bulk
        case nil: nil
        }
        let text = mail.text ?? mail.html.map(HTMLText.plain) ?? ""
        let html = mail.html.map { HTMLSanitizer.clean($0) }
        let attachments = mail.attachments.map {
            NewAttachment(filename: $0.filename, contentType: $0.contentType, contentID: $0.contentID, inline: $0.inline,
                          data: Data($0.data))
        }
        let threadIDs = mail.inReplyTo + mail.references.reversed()
        let tokenTicket = TicketToken.ticketID(inSubject: mail.subject) ?? taggedTicket
        let tickets = try await desk.catalog.schema(for: "tickets")
        let contacts = try await desk.catalog.schema(for: "contacts")
        let system = Caller.system(source: "EMAIL")
        let wantsContact = automatic == nil && !sender.isEmpty

        let failedRecipients = automatic == .bounce ? mail.failedRecipients : []
        let logger = desk.logger
        // The thread and the duplicate are looked up in the transaction that stores the message:
        // the same message delivered twice at once is stored once (the second copy meets the
        // unique index on incoming message ids, and its transaction runs again and finds the first).
        return try await desk.database.write { session in
            let found = try await session.messageThreads(forMessageIDs: [mail.messageID].compactMap { $0 } + threadIDs)
            if let id = mail.messageID, let copy = found[id], copy.direction == .incoming {
                return Receipt(conversationID: copy.conversationID, messageID: id, ticketID: nil, duplicate: true)
            }
            var thread = threadIDs.lazy.compactMap { found[$0]?.conversationID }.first
            if thread == nil, let tokenTicket {
                thread = try await session.conversations(ticketID: tokenTicket, limit: 50).first { $0.customerAddress == sender }?.id
            }
            // A reply's conversation has its contact already.
            let knownContact = wantsContact && thread == nil
                ? try await session.recordIDs(type: .contacts, property: "email", values: [sender])[IndexedValue.searchable(sender)]
                : nil
            let repliesToForward = mail.inReplyTo.contains { found[$0]?.isForward == true }
            var events: [FeedEvent] = []
            var conversation: Conversation?
            var newTicket = false
            if let thread {
                conversation = try await session.touchConversation(id: thread, at: now)
                if conversation == nil, let trashed = try await session.conversation(id: thread, trashed: true) {
                    if automatic == nil {
                        // C3: the customer answers a thread in the trash: it comes back, with its ticket, rather than
                        // opening a new ticket or hiding the answer.
                        try await session.lockRecords(ids: [trashed.ticketID.flatMap { Int64($0) }].compactMap { $0 })
                        _ = try await ConversationService.bringBack(trashed, by: system, at: now, session: session)
                        conversation = try await session.touchConversation(id: thread, at: now)
                    } else {
                        // An auto-reply or a bounce joins the trashed thread and leaves it there.
                        conversation = trashed
                    }
                }
            }
            if conversation == nil {
                var ticketID: String?
                var contactID = knownContact.map(String.init)
                if wantsContact, contactID == nil {
                    let (id, created) = try await ChannelIntake.contact(email: sender, phone: nil, name: mail.from?.name, schema: contacts,
                                                                        by: system, now: now, session: session)
                    contactID = id.map(String.init)
                    events += created
                }
                if automatic == nil {
                    let (id, created) = try await ChannelIntake.ticket(
                        on: channel, subject: mail.subject, content: text, contactID: contactID.flatMap { Int64($0) }, tickets: tickets,
                        by: system, now: now, session: session)
                    ticketID = id
                    newTicket = id != nil
                    events += created
                }
                conversation = try await session.insertConversation(Conversation(
                    id: "", channelID: channel.id, ticketID: ticketID, status: automatic == nil ? .open : .closed,
                    ownerID: nil, contactID: contactID, customerAddress: sender, subject: mail.subject,
                    createdAt: now, latestMessageAt: now, closedAt: automatic == nil ? nil : now))
            }
            guard let conversation else { throw HelpDeskError.notFound("The conversation of this message disappeared.") }
            let message = try await session.insertMessage(ConversationMessage(
                id: "", conversationID: conversation.id, direction: .incoming, senderAddress: sender,
                senderName: mail.from?.name, to: mail.to.map(\.address), cc: mail.cc.map(\.address), subject: mail.subject,
                text: text, html: html, messageID: mail.messageID, inReplyTo: mail.inReplyTo.first, isForward: mail.isForward,
                repliesToForward: repliesToForward, automatic: automatic, authorID: nil, createdAt: now), attachments: attachments)
            events.append(FeedEvent(
                recordID: conversation.ticketID, conversationID: Int64(conversation.id), objectType: ObjectType.tickets.id,
                kind: .messageReceived, property: "conversation", newValue: message.id, actor: "system", source: "EMAIL", occurredAt: now))
            try session.append(events)
            if !failedRecipients.isEmpty {
                try await session.recordBounces(failedRecipients, at: now)
            }
            if newTicket, let template = channel.settings.acknowledgement, let ticketID = conversation.ticketID {
                try await Acknowledgement.send(template, for: mail, to: sender, ticketID: ticketID, conversation: conversation,
                                               channel: channel, now: now, session: session, logger: logger)
            }
            return Receipt(conversationID: conversation.id, messageID: message.id, ticketID: conversation.ticketID, duplicate: false)
        }
    }
}

