import Foundation
import HelpDeskCore
import HelpDeskMail
import HelpDeskStore

/// A customer's message on a channel other than email, as its edge (the custom channels API, a
/// WhatsApp or call webhook) hands it over.
public struct CustomerMessage: Sendable {
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
        guard let channel = try await desk.channelDirectory.channel(id: id), !channel.archived,
              kinds.contains(channel.kind) else { return nil }
        return channel
    }

    /// The custom channels API: an integration publishes its customer's message on its channel.
    public func publish(_ incoming: CustomerMessage, channelID: String, by caller: Caller) async throws
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

    public func receive(_ incoming: CustomerMessage, on channel: Channel, source: String) async throws -> Receipt {
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
        let subject = Self.subject(incoming.subject, text: text, customer: name ?? customer)
        let message = IncomingMessage(
            channel: channel, source: source,
            sender: IncomingMessage.Sender(address: customer, name: name, email: email, phone: phone), subject: subject, text: text,
            html: html, to: [channel.address],
            // Scoped by channel: two services may use the same ids.
            messageID: incoming.externalID.map { "\(channel.id):\($0)" },
            threading: incoming.threadID.map { .service(threadID: $0) } ?? .customer)
        let intake = Intake(tickets: try await desk.catalog.schema(for: ObjectType.tickets.name),
                            contacts: try await desk.catalog.schema(for: ObjectType.contacts.name), roster: desk.routingRoster, now: desk.clock(), logger: desk.logger)
        return try await desk.database.write { session in
            let outcome = try await intake.store(message, attachments: incoming.attachments, session: session)
            return Receipt(conversationID: outcome.conversation.id, messageID: outcome.message?.id ?? "",
                           ticketID: outcome.message == nil ? nil : outcome.conversation.ticketID, duplicate: outcome.message == nil)
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
