import Foundation
import HelpDeskCore
import SQLKit

/// One message waiting in the outbox, or sent from it.
public struct OutboxEntry: Sendable {
    /// How it leaves: mail through the relay, or an HTTP post to the service behind a channel.
    public enum Transport: String, Sendable {
        case smtp = "SMTP"
        case http = "HTTP"
    }

    public enum Status: String, Sendable {
        /// Waiting for a relay, or for its next try.
        case pending = "PENDING"
        case sent = "SENT"
        /// Given up: the relay refused it for good, or every try failed.
        case failed = "FAILED"
    }

    public var id: Int64
    public var messageID: Int64?
    public var transport: Transport
    /// Mail: the envelope sender. A post: the id of the channel it goes out on.
    public var sender: String
    public var recipients: [String]
    public var data: Data
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var lastError: String?
    public var sentAt: Timestamp?
}

/// The outbox: written in the transaction that causes a message, claimed by one delivery worker
/// at a time (a lease that lapses if the worker dies), marked sent or retried later.
extension StoreSession {
    /// Queues mail. `automatic` mail (sent by the help desk itself, about `ticketID`) counts for
    /// the loop guard.
    public func enqueueMail(messageID: Int64?, sender: String, recipients: [String], data: [UInt8], now: Timestamp,
                            automatic: Bool = false, ticketID: Int64? = nil) async throws {
        try await sql.raw("""
            INSERT INTO outbox (message_id, sender, recipients, data, status, attempts, next_attempt_at, created_at, automatic, ticket_id)
            VALUES (\(bind: messageID), \(bind: sender), \(bind: recipients.joined(separator: ",")), \(bind: Data(data)),
                    'PENDING', 0, \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970), \(bind: automatic ? 1 : 0),
                    \(bind: ticketID))
            """).run()
    }

    /// The automatic mail sent to one recipient since `since`, with the ticket each was about.
    public func automaticMail(to recipient: String, since: Timestamp) async throws -> [(ticketID: String?, at: Timestamp)] {
        try await sql.raw("""
            SELECT ticket_id, created_at FROM outbox
            WHERE automatic = 1 AND recipients = \(bind: recipient) AND created_at > \(bind: since.millisecondsSince1970)
            """).all().map { row in
            (try row.decode(column: "ticket_id", as: Int64?.self).map(String.init),
             Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    /// Notes that mail to these addresses bounced now.
    public func recordBounces(_ addresses: [String], at time: Timestamp) async throws {
        for address in addresses {
            try await sql.raw("""
                INSERT INTO bounced_addresses (address, bounced_at, bounces) VALUES (\(bind: address), \(bind: time.millisecondsSince1970), 1)
                ON CONFLICT (address) DO UPDATE SET bounced_at = excluded.bounced_at, bounces = bounced_addresses.bounces + 1
                """).run()
        }
    }

    /// When mail to this address last bounced, if it ever did.
    public func lastBounce(of address: String) async throws -> Timestamp? {
        try await sql.raw("SELECT bounced_at FROM bounced_addresses WHERE address = \(bind: address)").first()
            .map { Timestamp(millisecondsSince1970: try $0.decode(column: "bounced_at", as: Int64.self)) }
    }

    /// Queues a post to the service behind a channel: `payload` goes to `recipient` on `channelID`.
    public func enqueuePost(messageID: Int64?, channelID: String, recipient: String, payload: [UInt8], now: Timestamp) async throws {
        try await sql.raw("""
            INSERT INTO outbox (message_id, transport, sender, recipients, data, status, attempts, next_attempt_at, created_at)
            VALUES (\(bind: messageID), 'HTTP', \(bind: channelID), \(bind: recipient), \(bind: Data(payload)),
                    'PENDING', 0, \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
            """).run()
    }

    /// Takes up to `limit` due messages of one transport for `lease`; another worker skips them until it lapses.
    public func claimDueMail(transport: OutboxEntry.Transport = .smtp, now: Timestamp, lease: Duration, limit: Int) async throws
        -> [OutboxEntry] {
        let millis = now.millisecondsSince1970
        let until = millis + lease.components.seconds * 1000
        let lock: SQLQueryString = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            UPDATE outbox SET claimed_until = \(bind: until)
            WHERE id IN (SELECT id FROM outbox WHERE status = 'PENDING' AND transport = \(bind: transport.rawValue)
                         AND next_attempt_at <= \(bind: millis)
                         AND (claimed_until IS NULL OR claimed_until < \(bind: millis))
                         ORDER BY next_attempt_at, id LIMIT \(bind: limit)\(lock))
            RETURNING *
            """).all()
        return try rows.map(Self.outboxEntry)
    }

    public func markMailSent(id: Int64, now: Timestamp) async throws {
        try await sql.raw("""
            UPDATE outbox SET status = 'SENT', attempts = attempts + 1, sent_at = \(bind: now.millisecondsSince1970),
                claimed_until = NULL, last_error = NULL
            WHERE id = \(bind: id)
            """).run()
    }

    /// Records a failed try: the next one at `retryAt`, or none (`nil`) when it is given up.
    public func markMailFailed(id: Int64, error: String, retryAt: Timestamp?) async throws {
        try await sql.raw("""
            UPDATE outbox SET status = \(bind: retryAt == nil ? "FAILED" : "PENDING"), attempts = attempts + 1,
                next_attempt_at = \(bind: retryAt?.millisecondsSince1970 ?? 0), claimed_until = NULL,
                last_error = \(bind: String(error.prefix(1000)))
            WHERE id = \(bind: id)
            """).run()
    }

    /// The outbox entries of messages, by message id, for showing delivery on each message.
    public func outboxEntries(messageIDs: [Int64]) async throws -> [Int64: OutboxEntry] {
        guard !messageIDs.isEmpty else { return [:] }
        let rows = try await sql.raw("SELECT * FROM outbox WHERE message_id IN (\(binds: messageIDs))").all()
        var result: [Int64: OutboxEntry] = [:]
        for entry in try rows.map(Self.outboxEntry) {
            if let id = entry.messageID { result[id] = entry }
        }
        return result
    }

    public func outboxEntries(status: OutboxEntry.Status? = nil, limit: Int) async throws -> [OutboxEntry] {
        let filter: SQLQueryString = status.map { "WHERE status = \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw("SELECT * FROM outbox \(filter) ORDER BY id DESC LIMIT \(bind: limit)").all().map(Self.outboxEntry)
    }

    static func outboxEntry(_ row: any SQLRow) throws -> OutboxEntry {
        OutboxEntry(
            id: try row.decode(column: "id", as: Int64.self), messageID: try row.decode(column: "message_id", as: Int64?.self),
            transport: OutboxEntry.Transport(rawValue: try row.decode(column: "transport", as: String.self)) ?? .smtp,
            sender: try row.decode(column: "sender", as: String.self),
            recipients: try row.decode(column: "recipients", as: String.self).split(separator: ",").map(String.init),
            data: try row.decode(column: "data", as: Data.self),
            status: OutboxEntry.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
            attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: Timestamp(millisecondsSince1970: try row.decode(column: "next_attempt_at", as: Int64.self)),
            lastError: try row.decode(column: "last_error", as: String?.self),
            sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)))
    }
}
