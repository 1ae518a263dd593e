import Foundation
import HelpDeskCore
import HelpDeskMail
import HelpDeskStore
import Logging

/// The message a team address sends by itself when mail opens a ticket ("we received your
/// request"), when the channel has one. It is automatic mail: marked as such, and held back by
/// the loop guard (`AutomaticMailPolicy`), in the transaction that stores the ticket.
enum Acknowledgement {
    /// `{{ticket}}` in the text becomes the ticket's number.
    static func send(_ template: String, answering mail: IncomingMessage, ticketID: String, conversation: Conversation,
                     now: Timestamp, session: StoreSession, logger: Logger) async throws {
        let recipient = mail.sender.address, channel = mail.channel
        let bounced = try await session.lastBounce(of: recipient)
        let recent = try await session.automaticMail(to: recipient, since: now.adding(milliseconds: -86_400_000))
        if let refusal = AutomaticMailPolicy.refusal(for: recipient, ticketID: ticketID, bouncedAt: bounced, recentSends: recent, now: now) {
            logger.info("No acknowledgement for ticket \(ticketID): \(refusal)")
            return
        }
        let text = template.replacingOccurrences(of: "{{ticket}}", with: ticketID)
        let subject = ConversationService.replySubject(to: mail.subject.isEmpty ? "(no subject)" : mail.subject, ticketID: ticketID)
        let domain = channel.address.split(separator: "@").last.map(String.init) ?? "localhost"
        let outgoing = OutgoingMail(
            from: MailAddress(name: channel.name == channel.address ? nil : channel.name, address: channel.address),
            to: [MailAddress(name: nil, address: recipient)],
            replyTo: MailAddress(name: nil, address: TicketToken.replyAddress(teamAddress: channel.address, ticketID: ticketID)),
            subject: subject, text: text,
            messageID: OutgoingMail.newMessageID(domain: domain), inReplyTo: mail.messageID,
            references: mail.references + [mail.messageID].compactMap { $0 }, automatic: true, date: now.millisecondsSince1970)
        let stored = try await session.insertMessage(ConversationMessage(
            id: "", conversationID: conversation.id, direction: .outgoing, senderAddress: channel.address, senderName: nil,
            to: [recipient], cc: [], subject: subject, text: text, html: nil, messageID: outgoing.messageID, inReplyTo: mail.messageID,
            isForward: false, automatic: .autoReply, authorID: nil, createdAt: now), attachments: [])
        try await session.enqueueMail(messageID: Int64(stored.id), sender: channel.address, recipients: [recipient], data: outgoing.rendered(),
                                      now: now, automatic: true, ticketID: Int64(ticketID))
        try session.append([FeedEvent(recordID: ticketID, conversationID: Int64(conversation.id), objectType: ObjectType.tickets.id,
                                      kind: .messageSent, property: "conversation", newValue: stored.id, actor: Caller.systemUserID,
                                      source: "EMAIL", occurredAt: now)])
    }
}
