import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/notifications/v1/notifications`: the calling agent's own notifications (A10, R6), and
/// `/notifications/v1/preferences`: how each kind reaches them.
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

    /// Where one kind of notification goes.
    struct DeliveryJSON: Codable {
        var workspace: Bool
        var email: Bool
    }

    struct SettingsJSON: Encodable {
        /// The kinds the caller chose.
        var own: [String: DeliveryJSON]
        /// The help desk's defaults, for the kinds a super admin chose.
        var defaults: [String: DeliveryJSON]
        /// What applies to the caller now, for every kind.
        var effective: [String: DeliveryJSON]

        init(_ settings: NotificationService.Settings) {
            func json(_ preferences: NotificationPreferences) -> [String: DeliveryJSON] {
                Dictionary(uniqueKeysWithValues: preferences.kinds.map { ($0.key.rawValue, DeliveryJSON(workspace: $0.value.workspace, email: $0.value.email)) })
            }
            own = json(settings.own)
            defaults = json(settings.defaults)
            effective = Dictionary(uniqueKeysWithValues: AgentNotification.Kind.allCases.map { kind in
                let delivery = settings.delivery(of: kind)
                return (kind.rawValue, DeliveryJSON(workspace: delivery.workspace, email: delivery.email))
            })
        }
    }

    static func preferences(from body: [String: DeliveryJSON]) throws -> NotificationPreferences {
        var kinds: [AgentNotification.Kind: NotificationPreferences.Delivery] = [:]
        for (name, delivery) in body {
            guard let kind = AgentNotification.Kind(rawValue: name) else {
                throw APIError.badRequest("\"\(name)\" is not a kind of notification; the kinds are "
                                          + AgentNotification.Kind.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            kinds[kind] = NotificationPreferences.Delivery(workspace: delivery.workspace, email: delivery.email)
        }
        return NotificationPreferences(kinds)
    }

    /// `/notifications/v1/preferences` (A10): how each kind reaches the caller, and the defaults.
    func registerPreferences(_ section: RouteBook.Section) {
        section.add(.get, "", "getNotificationPreferences",
                    "How each kind of notification reaches you: your choices, the help desk's defaults, and what applies",
                    response: "NotificationSettings") { _, context in
            try JSONBody.response(SettingsJSON(try await desk.notifications.settings(by: try context.requireCaller())))
        }
        section.add(.put, "", "setNotificationPreferences", "Replace your own choices; kinds left out follow the defaults",
                    request: "NotificationPreferences", response: "NotificationSettings") { request, context in
            let body = try await JSONBody.decode([String: DeliveryJSON].self, from: request)
            return try JSONBody.response(SettingsJSON(try await desk.notifications.setOwn(try Self.preferences(from: body),
                                                                                          by: try context.requireCaller())))
        }
        section.add(.put, "defaults", "setNotificationDefaults",
                    "Replace the defaults of everyone for the kinds they have not chosen (super admins)",
                    request: "NotificationPreferences", response: "NotificationSettings") { request, context in
            let body = try await JSONBody.decode([String: DeliveryJSON].self, from: request)
            return try JSONBody.response(SettingsJSON(try await desk.notifications.setDefaults(try Self.preferences(from: body),
                                                                                               by: try context.requireCaller())))
        }
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
