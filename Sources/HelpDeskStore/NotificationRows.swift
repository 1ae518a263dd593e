import HelpDeskCore
import SQLKit

/// Storage of agents' notifications.
extension StoreSession {
    package func insertNotifications(_ notifications: [AgentNotification]) async throws {
        guard !notifications.isEmpty else { return }
        try await insertRows(
            into: "notifications",
            columns: ["user_id", "kind", "conversation_id", "message_id", "ticket_id", "actor_id", "text", "created_at"],
            notifications.map { notification -> [ColumnValue] in
                [.text(notification.userID), .text(notification.kind.rawValue), .integer(notification.conversationID.flatMap { Int64($0) }),
                 .integer(notification.messageID.flatMap { Int64($0) }), .integer(notification.ticketID.flatMap { Int64($0) }),
                 .text(notification.actorID), .text(notification.text), .integer(notification.createdAt.millisecondsSince1970)]
            })
    }

    /// One user's notifications, newest first; `beforeID` pages back.
    package func notifications(userID: String, unreadOnly: Bool, beforeID: Int64?, limit: Int) async throws -> [AgentNotification] {
        var conditions: SQLQueryString = "user_id = \(bind: userID)"
        if unreadOnly { conditions += " AND read_at IS NULL" }
        if let beforeID { conditions += " AND id < \(bind: beforeID)" }
        return try await sql.raw("SELECT * FROM notifications WHERE \(conditions) ORDER BY id DESC LIMIT \(bind: limit)")
            .all().map(Self.notification)
    }

    /// Marks one user's notifications read; returns how many changed.
    @discardableResult
    package func markNotificationsRead(userID: String, ids: [Int64]?, at time: Timestamp) async throws -> Int {
        var conditions: SQLQueryString = "user_id = \(bind: userID) AND read_at IS NULL"
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
