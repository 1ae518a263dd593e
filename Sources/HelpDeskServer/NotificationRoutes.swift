import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/notifications/v1/notifications`: the calling agent's own notifications (mentions, R6).
struct NotificationRoutes {
    let desk: HelpDesk

    struct NotificationJSON: Encodable {
        var id: String
        var type: String
        var text: String
        var createdAt: String
        var readAt: String?
        var read: Bool
        var actorId: String?
        var conversationsThreadId: String?
        var messageId: String?
        var ticketId: String?
        /// Where the notification leads: the conversation.
        var link: String?

        init(_ notification: AgentNotification) {
            id = notification.id
            type = notification.kind.rawValue
            text = notification.text
            createdAt = notification.createdAt.isoString
            readAt = notification.readAt?.isoString
            read = notification.readAt != nil
            actorId = notification.actorID.map { "A-\($0)" }
            conversationsThreadId = notification.conversationID
            messageId = notification.messageID
            ticketId = notification.ticketID
            link = notification.conversationID.map { "/conversations/v3/conversations/threads/\($0)" }
        }
    }

    struct NotificationPageJSON: Encodable {
        struct Paging: Encodable {
            struct Next: Encodable { var after: String }
            var next: Next
        }

        var results: [NotificationJSON]
        var paging: Paging?
    }

    struct ReadInput: Decodable {
        /// The notifications to mark read; all of the caller's when absent.
        var ids: [String]?
    }

    func register(_ section: RouteBook.Section) {
        section.add(.get, "", "getNotifications", "Your notifications, newest first", response: "NotificationPage",
                    query: [("unread", "true for unread ones only"), ("limit", "1 to 200"), ("after", "Cursor")]) { request, context in
            let query = request.uri.queryParameters
            let (notifications, next) = try await desk.notifications.list(
                unreadOnly: query.get("unread") == "true", before: query.get("after"),
                limit: try QueryNumber.read("limit", in: request, default: 50),
                by: try context.requireCaller())
            return try JSONBody.response(NotificationPageJSON(results: notifications.map(NotificationJSON.init),
                                                              paging: next.map { .init(next: .init(after: $0)) }))
        }
        section.add(.post, "read", "markNotificationsRead", "Mark your notifications read: the ids given, or all",
                    request: "ReadInput", response: "ReadResult") { request, context in
            let input = try await JSONBody.decode(ReadInput.self, from: request)
            let count = try await desk.notifications.markRead(ids: input.ids, by: try context.requireCaller())
            return try JSONBody.response(["updated": count])
        }
    }
}
