import Foundation
import HelpDeskCore
import SQLKit

/// A message's wire form on its way out: the mail as the relay receives it, or the body of a
/// post to the service behind a channel. Its delivery is a job (`mail.deliver`, `post.deliver`)
/// and its state is kept on the message.
package struct OutboxEntry: Sendable {
    /// How it leaves: mail through the relay, or an HTTP post to the service behind a channel.
    package enum Transport: String, Sendable {
        case smtp = "SMTP"
        case http = "HTTP"

        /// The kind of the job that delivers it.
        package var jobKind: String {
            switch self {
            case .smtp: "mail.deliver"
            case .http: "post.deliver"
            }
        }
    }

    package var id: Int64
    package var messageID: Int64?
    package var transport: Transport
    /// Mail: the envelope sender. A post: the id of the channel it goes out on.
    package var sender: String
    package var recipients: [String]
    package var data: Data
}

/// The outbox: written in the transaction that causes a message, with the job that delivers it.
extension StoreSession {
    /// Queues mail, with the job that sends it. `automatic` mail (sent by the help desk itself,
    /// about `ticketID`) counts for the loop guard.
    package func enqueueMail(messageID: Int64?, sender: String, recipients: [String], data: [UInt8], now: Timestamp,
                            automatic: Bool = false, ticketID: Int64? = nil) async throws {
        let row = try await sql.raw("""
            INSERT INTO outbox (message_id, sender, recipients, data, created_at, automatic, ticket_id)
            VALUES (\(bind: messageID), \(bind: sender), \(bind: recipients.joined(separator: ",")), \(bind: Data(data)),
                    \(bind: now.millisecondsSince1970), \(bind: automatic ? 1 : 0), \(bind: ticketID))
            RETURNING id
            """).first()
        try await scheduleDelivery(of: try row?.decode(column: "id", as: Int64.self), transport: .smtp, messageID: messageID, now: now)
    }

    /// The automatic mail sent to one recipient since `since`, with the ticket each was about.
    package func automaticMail(to recipient: String, since: Timestamp) async throws -> [(ticketID: String?, at: Timestamp)] {
        try await sql.raw("""
            SELECT ticket_id, created_at FROM outbox
            WHERE automatic = 1 AND recipients = \(bind: recipient) AND created_at > \(bind: since.millisecondsSince1970)
            """).all().map { row in
            (try row.decode(column: "ticket_id", as: Int64?.self).map(String.init),
             Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    /// Notes that mail to these addresses bounced now.
    package func recordBounces(_ addresses: [String], at time: Timestamp) async throws {
        for address in addresses {
            try await sql.raw("""
                INSERT INTO bounced_addresses (address, bounced_at, bounces) VALUES (\(bind: address), \(bind: time.millisecondsSince1970), 1)
                ON CONFLICT (address) DO UPDATE SET bounced_at = excluded.bounced_at, bounces = bounced_addresses.bounces + 1
                """).run()
        }
    }

    /// When mail to this address last bounced, if it ever did.
    package func lastBounce(of address: String) async throws -> Timestamp? {
        try await sql.raw("SELECT bounced_at FROM bounced_addresses WHERE address = \(bind: address)").first()
            .map { Timestamp(millisecondsSince1970: try $0.decode(column: "bounced_at", as: Int64.self)) }
    }

    /// Queues a post to the service behind a channel, with the job that sends it: `payload` goes
    /// to `recipient` on `channelID`.
    package func enqueuePost(messageID: Int64?, channelID: String, recipient: String, payload: [UInt8], now: Timestamp) async throws {
        let row = try await sql.raw("""
            INSERT INTO outbox (message_id, transport, sender, recipients, data, created_at)
            VALUES (\(bind: messageID), 'HTTP', \(bind: channelID), \(bind: recipient), \(bind: Data(payload)),
                    \(bind: now.millisecondsSince1970))
            RETURNING id
            """).first()
        try await scheduleDelivery(of: try row?.decode(column: "id", as: Int64.self), transport: .http, messageID: messageID, now: now)
    }

    private func scheduleDelivery(of entry: Int64?, transport: OutboxEntry.Transport, messageID: Int64?, now: Timestamp) async throws {
        guard let entry else { throw StoreError.corruptRow(table: "outbox", detail: "an inserted entry has no id") }
        try await enqueue(NewJob(kind: transport.jobKind, payload: String(entry), runAt: now), now: now)
        if let messageID {
            try await recordDelivery(messageID: messageID, .init(status: .queued, attempts: 0, lastError: nil, sentAt: nil))
        }
    }

    /// One entry, if it is still there (a purged conversation takes its unsent mail).
    package func outboxEntry(id: Int64) async throws -> OutboxEntry? {
        try await sql.raw("SELECT * FROM outbox WHERE id = \(bind: id)").first().map(Self.outboxEntry)
    }

    /// Keeps where an outgoing message is on its way, on the message.
    package func recordDelivery(messageID: Int64, _ delivery: ConversationMessage.Delivery) async throws {
        try await sql.raw("""
            UPDATE messages SET delivery_status = \(bind: delivery.status.rawValue), delivery_attempts = \(bind: delivery.attempts),
                delivery_error = \(bind: delivery.lastError.map { String($0.prefix(1000)) }),
                delivered_at = \(bind: delivery.sentAt?.millisecondsSince1970)
            WHERE id = \(bind: messageID)
            """).run()
    }

    static func outboxEntry(_ row: any SQLRow) throws -> OutboxEntry {
        OutboxEntry(
            id: try row.decode(column: "id", as: Int64.self), messageID: try row.decode(column: "message_id", as: Int64?.self),
            transport: OutboxEntry.Transport(rawValue: try row.decode(column: "transport", as: String.self)) ?? .smtp,
            sender: try row.decode(column: "sender", as: String.self),
            recipients: try row.decode(column: "recipients", as: String.self).split(separator: ",").map(String.init),
            data: try row.decode(column: "data", as: Data.self))
    }
}
