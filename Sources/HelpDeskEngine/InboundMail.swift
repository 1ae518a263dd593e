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
        let sender = Channel.normalizedAddress(mail.from?.address ?? envelopeSender)
        let automatic: ConversationMessage.Automatic? = switch mail.automatic(envelopeSender: envelopeSender) {
        case .autoReply: .autoReply
        case .bounce: .bounce
        case .bulk: .bulk
        case nil: nil
        }
        let incoming = IncomingMessage(
            channel: channel, source: "EMAIL",
            sender: IncomingMessage.Sender(address: sender, name: mail.from?.name, email: sender.isEmpty ? nil : sender),
            subject: mail.subject, text: mail.text ?? mail.html.map(HTMLText.plain) ?? "", html: mail.html.map { HTMLSanitizer.clean($0) },
            to: mail.to.map(\.address), cc: mail.cc.map(\.address), messageID: mail.messageID,
            threading: .mail(inReplyTo: mail.inReplyTo, references: mail.references,
                             ticketToken: TicketToken.ticketID(inSubject: mail.subject) ?? taggedTicket),
            automatic: automatic, isForward: mail.isForward, ticketProperties: mail.language.map { ["hs_language": $0] } ?? [:])
        let attachments = mail.attachments.map {
            NewAttachment(filename: $0.filename, contentType: $0.contentType, contentID: $0.contentID, inline: $0.inline,
                          bytes: $0.data)
        }
        let intake = Intake(tickets: try await desk.catalog.schema(for: ObjectType.tickets.name),
                            contacts: try await desk.catalog.schema(for: ObjectType.contacts.name), roster: desk.routingRoster, now: desk.clock(), logger: desk.logger)
        let failedRecipients = automatic == .bounce ? mail.failedRecipients : []
        return try await desk.database.write { session in
            let outcome = try await intake.store(incoming, attachments: attachments, session: session)
            guard let message = outcome.message else {
                return Receipt(conversationID: outcome.conversation.id, messageID: mail.messageID ?? "", ticketID: nil, duplicate: true)
            }
            if !failedRecipients.isEmpty {
                try await session.recordBounces(failedRecipients, at: intake.now)
            }
            return Receipt(conversationID: outcome.conversation.id, messageID: message.id, ticketID: outcome.conversation.ticketID,
                           duplicate: false)
        }
    }
}
