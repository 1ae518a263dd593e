import Foundation
import HelpDeskCore
import HelpDeskMail
import HelpDeskStore

/// A customer's message on a channel other than email, as its edge (the custom channels API, a
/// WhatsApp or call webhook) hands it over.
public struct IncomingMessage: Sendable {
    /// The customer on the channel: a phone number, or the service's own id for them.
    public var customerAddress: String
    public var customerName: String?
    public var customerEmail: String?
    public var customerPhone: String?
    public var text: String
    public var html: String?
    /// The service's id for this message, so that a retried webhook is stored once.
    public var externalID: String?
    /// The service's id for the thread, when it keeps threads of its own.
    public var threadID: String?
    public var subject: String?
    public var attachments: [NewAttachment]

    public init(customerAddress: String, customerName: String? = nil, customerEmail: String? = nil, customerPhone: String? = nil,
                text: String, html: String? = nil, externalID: String? = nil, threadID: String? = nil, subject: String? = nil,
                attachments: [NewAttachment] = []) {
        self.customerAddress = customerAddress
        self.customerName = customerName
        self.customerEmail = customerEmail
        self.customerPhone = customerPhone
        self.text = text
        self.html = html
        self.externalID = externalID
        self.threadID = threadID
        self.subject = subject
        self.attachments = attachments
    }
}

/// Stores messages from customers on custom channels, WhatsApp and calls (C2): a message joins
/// its thread or the customer's open conversation, or opens a conversation, with a ticket while
/// the channel's switch is on, and the customer becomes a contact when their email or phone is
/// known. One transaction per message.
public struct ChannelMessages: Sendable {
    let desk: HelpDesk

    /// What became of one incoming message: the same as for mail.
    public typealias Receipt = InboundMail.Receipt

    static let maxText = 65_536

    /// A live channel of one of these kinds, for the edge that received a message for it.
    public func channel(id: String, kinds: Set<Channel.Kind>) async throws -> Channel? {
        guard let channel = try await desk.database.read({ try await $0.channel(id: id) }), !channel.archived,
              kinds.contains(channel.kind) else { return nil }
        return channel
    }

    /// The custom channels API: an integration publishes its customer's message on its channel.
    public func publish(_ incoming: IncomingMessage, channelID: String, by caller: Caller) async throws
        -> (receipt: Receipt, message: ConversationMessage?) {
        try caller.check(.workConversations)
        guard let channel = try await channel(id: channelID, kinds: [.custom]) else {
            throw HelpDeskError.notFound("Custom channel \(channelID) does not exist; connect one with channelId CUSTOM first.")
        }
        let receipt = try await receive(incoming, on: channel, source: "INTEGRATION")
        let scoped = incoming.externalID.map { "\(channel.id):\($0)" }
        let message = try await desk.database.read { session in
            try await session.messages(conversationID: receipt.conversationID).first {
                receipt.duplicate ? $0.messageID == scoped && $0.direction == .incoming : $0.id == receipt.messageID
            }
        }
        return (receipt, message)
    }

    public func receive(_ incoming: IncomingMessage, on channel: Channel, source: String) async throws -> Receipt {
        let customer = incoming.customerAddress.trimmingCharacters(in: .whitespaces)
        guard !customer.isEmpty, customer.count <= 200 else {
            throw HelpDeskError.badRequest("A message needs its sender's address on the channel (at most 200 characters).")
        }
        let html = incoming.html.map { HTMLSanitizer.clean($0) }
        let given = incoming.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = given.isEmpty ? html.map { HTMLText.plain($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "" : given
        guard !text.isEmpty || !incoming.attachments.isEmpty else { throw HelpDeskError.badRequest("A message needs a text.") }
        guard text.utf8.count <= Self.maxText else { throw HelpDeskError.badRequest("A message holds at most 64 KiB of text.") }
        let name = incoming.customerName.map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)) }?.nilIfEmpty
        let email = incoming.customerEmail.map(Channel.normalizedAddress).flatMap { Channel.isValidEmailAddress($0) ? $0 : nil }
        let phone = incoming.customerPhone.map { String($0.trimmingCharacters(in: .whitespaces).prefix(50)) }?.nilIfEmpty
        // Scoped by channel: two services may use the same ids.
        let externalID = incoming.externalID.map { "\(channel.id):\($0)" }
        let now = desk.clock()
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        let contacts = try await desk.catalog.schema(for: ObjectType.contacts.name)
        let system = Caller.system(source: source)

        let subject = Self.subject(incoming.subject, text: text, customer: name ?? customer)
        // Looked up in the writer: two messages of one customer may arrive at the same moment.
        return try await desk.database.write { session in
            try await session.lock("conversation:\(channel.id):\(customer)")
            var duplicate: String?
            if let externalID { duplicate = try await session.messageThreads(forMessageIDs: [externalID])[externalID]?.conversationID }
            var threadMatch: Conversation?
            if let threadID = incoming.threadID {
                threadMatch = try await session.conversation(channelID: channel.id, externalThreadID: threadID)
                if threadMatch == nil, duplicate == nil,
                   let trashed = try await session.conversation(channelID: channel.id, externalThreadID: threadID, trashed: true) {
                    // C3 on every channel: a customer going on in a trashed thread brings it back, with its ticket.
                    try await session.lockRecords(ids: [trashed.ticketID.flatMap { Int64($0) }].compactMap { $0 })
                    threadMatch = try await ConversationService.bringBack(trashed, by: system, at: now, session: session)
                }
            }
            let latest = incoming.threadID == nil ? try await session.latestConversation(channelID: channel.id, customerAddress: customer) : nil
            let join = MessageThreading.conversationToJoin(threadMatch: threadMatch, namesThread: incoming.threadID != nil,
                                                           latestWithCustomer: latest)
            if let duplicate {
                return Receipt(conversationID: duplicate, messageID: "", ticketID: nil, duplicate: true)
            }
            var events: [FeedEvent] = []
            var conversation: Conversation?
            if let join {
                conversation = try await session.touchConversation(id: join.id, at: now)
            }
            if conversation == nil {
                let (contactID, contactEvents) = try await ChannelIntake.contact(
                    email: email, phone: phone, name: name, schema: contacts, by: system, now: now, session: session)
                events += contactEvents
                let (ticketID, created) = try await ChannelIntake.ticket(
                    on: channel, subject: subject, content: text, contactID: contactID, tickets: tickets, by: system, now: now,
                    session: session)
                events += created
                conversation = try await session.insertConversation(Conversation(
                    id: "", channelID: channel.id, ticketID: ticketID, status: .open, ownerID: nil, contactID: contactID.map(String.init),
                    customerAddress: customer, subject: subject, createdAt: now, latestMessageAt: now, externalThreadID: incoming.threadID))
            }
            guard let conversation else { throw HelpDeskError.conflict("The conversation could not be stored.") }
            let message = try await session.insertMessage(ConversationMessage(
                id: "", conversationID: conversation.id, direction: .incoming, senderAddress: customer, senderName: name,
                to: [channel.address], cc: [], subject: subject, text: text, html: html, messageID: externalID, inReplyTo: nil,
                isForward: false, automatic: nil, authorID: nil, createdAt: now), attachments: incoming.attachments)
            events.append(FeedEvent(recordID: conversation.ticketID, conversationID: Int64(conversation.id),
                                    objectType: ObjectType.tickets.id, kind: .messageReceived, property: "conversation",
                                    newValue: message.id, actor: system.user.id, source: source, occurredAt: now))
            try session.append(events)
            return Receipt(conversationID: conversation.id, messageID: message.id, ticketID: conversation.ticketID, duplicate: false)
        }
    }

    /// A ticket's subject from the message: the one given, else its first line, shortened.
    static func subject(_ given: String?, text: String, customer: String) -> String {
        if let given = given?.trimmingCharacters(in: .whitespaces), !given.isEmpty { return String(given.prefix(200)) }
        let firstLine = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !firstLine.isEmpty else { return "Message from \(customer)" }
        return firstLine.count > 100 ? String(firstLine.prefix(99)) + "…" : firstLine
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
