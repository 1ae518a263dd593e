import HelpDeskCore
import SQLKit

/// Storage of agents' notifications.
extension StoreSession {
    /// Keeps notifications, each shown in its user's workspace or mailed to them as `deliveries`
    /// says (in the same order), and tells their users' open pages through the feed.
    package func insertNotifications(_ notifications: [AgentNotification],
                                     deliveries: [NotificationPreferences.Delivery]) async throws {
        guard !notifications.isEmpty else { return }
        try await insertRows(
            into: "notifications",
            columns: ["user_id", "kind", "conversation_id", "message_id", "ticket_id", "actor_id", "text", "created_at", "shown", "email_due"],
            zip(notifications, deliveries).map { notification, delivery -> [ColumnValue] in
                [.text(notification.userID), .text(notification.kind.rawValue), .integer(notification.conversationID.flatMap { Int64($0) }),
                 .integer(notification.messageID.flatMap { Int64($0) }), .integer(notification.ticketID.flatMap { Int64($0) }),
                 .text(notification.actorID), .text(notification.text), .integer(notification.createdAt.millisecondsSince1970),
                 .integer(delivery.workspace ? 1 : 0), .integer(delivery.email ? 1 : 0)]
            })
        try append(zip(notifications, deliveries).filter { $0.1.workspace }.map { notification, _ in
            FeedEvent(recordID: nil, objectType: "notification", kind: .notified, property: notification.userID, actor: notification.actorID ?? "system",
                      source: "NOTIFICATIONS", occurredAt: notification.createdAt)
        })
    }

    /// Each of these users' own notification preferences, for those who chose any.
    package func notificationPreferences(userIDs: [String]) async throws -> [String: NotificationPreferences] {
        let ids = userIDs.compactMap { Int64($0) }
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT user_id, value FROM user_settings WHERE name = \(bind: Self.notificationSetting) AND user_id IN (\(binds: ids))
            """).all()
        var found: [String: NotificationPreferences] = [:]
        for row in rows {
            found[String(try row.decode(column: "user_id", as: Int64.self))] = try Self.decoded(
                NotificationPreferences.self, row, column: "value", table: "user_settings")
        }
        return found
    }

    /// The name under which a user's preferences and the help desk's defaults are kept.
    package static let notificationSetting = "notifications"

    /// How many of a user's notifications shown in the workspace are unread, counted up to `cap`.
    package func unreadNotifications(userID: String, cap: Int) async throws -> Int {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM notifications WHERE user_id = \(bind: userID) AND read_at IS NULL AND shown = 1
            LIMIT \(bind: cap)) unread
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Users with notifications to mail whose last batch went out at or before `quietSince`.
    package func usersDueNotificationMail(quietSince: Timestamp, limit: Int) async throws -> [String] {
        try await sql.raw("""
            SELECT DISTINCT n.user_id FROM notifications n LEFT JOIN notification_mail m ON m.user_id = n.user_id
            WHERE n.email_due = 1 AND (m.last_sent_at IS NULL OR m.last_sent_at <= \(bind: quietSince.millisecondsSince1970))
            LIMIT \(bind: limit)
            """).all().map { try $0.decode(column: "user_id", as: String.self) }
    }

    /// A user's notifications waiting to be mailed, oldest first.
    package func notificationsDueMail(userID: String) async throws -> [AgentNotification] {
        try await sql.raw("SELECT * FROM notifications WHERE user_id = \(bind: userID) AND email_due = 1 ORDER BY id")
            .all().map(Self.notification)
    }

    /// Marks a user's notifications up to `throughID` mailed, at `time`.
    package func markNotificationsMailed(userID: String, throughID: Int64, at time: Timestamp) async throws {
        try await sql.raw("""
            UPDATE notifications SET email_due = 0 WHERE user_id = \(bind: userID) AND email_due = 1 AND id <= \(bind: throughID)
            """).run()
        try await sql.raw("""
            INSERT INTO notification_mail (user_id, last_sent_at) VALUES (\(bind: userID), \(bind: time.millisecondsSince1970))
            ON CONFLICT (user_id) DO UPDATE SET last_sent_at = excluded.last_sent_at
            """).run()
    }

    /// One user's notifications, newest first; `beforeID` pages back.
    package func notifications(userID: String, unreadOnly: Bool, beforeID: Int64?, limit: Int) async throws -> [AgentNotification] {
        var conditions: SQLQueryString = "user_id = \(bind: userID) AND shown = 1"
        if unreadOnly { conditions += " AND read_at IS NULL" }
        if let beforeID { conditions += " AND id < \(bind: beforeID)" }
        return try await sql.raw("SELECT * FROM notifications WHERE \(conditions) ORDER BY id DESC LIMIT \(bind: limit)")
            .all().map(Self.notification)
    }

    /// One of a user's notifications.
    package func notification(id: Int64, userID: String) async throws -> AgentNotification? {
        try await sql.raw("SELECT * FROM notifications WHERE id = \(bind: id) AND user_id = \(bind: userID)").first().map(Self.notification)
    }

    /// Marks one user's notifications read; returns how many changed.
    @discardableResult
    package func markNotificationsRead(userID: String, ids: [Int64]?, at time: Timestamp) async throws -> Int {
        var conditions: SQLQueryString = "user_id = \(bind: userID) AND read_at IS NULL AND shown = 1"
        if let ids {
            guard !ids.isEmpty else { return 0 }
            conditions += " AND id IN (\(binds: ids))"
        }
        return try await sql.raw("UPDATE notifications SET read_at = \(bind: time.millisecondsSince1970) WHERE \(conditions) RETURNING id")
            .all().count
    }

    static func notification(_ row: any SQLRow) throws -> AgentNotification {
        AgentNotification(
            id: String(try row.decode(column: "id", as: Int64.self)), userID: try row.decode(column: "user_id", as: String.self),
            kind: AgentNotification.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .mention,
            conversationID: try row.decode(column: "conversation_id", as: Int64?.self).map(String.init),
            messageID: try row.decode(column: "message_id", as: Int64?.self).map(String.init),
            ticketID: try row.decode(column: "ticket_id", as: Int64?.self).map(String.init),
            actorID: try row.decode(column: "actor_id", as: String?.self), text: try row.decode(column: "text", as: String.self),
            createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            readAt: try row.decode(column: "read_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)))
    }
}
