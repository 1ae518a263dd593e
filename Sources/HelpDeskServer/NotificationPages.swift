import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The workspace's notifications (A10): the list behind the header's bell, each leading to its
/// ticket or conversation, and the page where each user chooses how each kind reaches them, with
/// the help desk's defaults for super admins.
struct NotificationPages {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes
    static let pageSize = 50

    struct Row {
        var id: String
        var text: String
        var unread: Bool
        var createdISO: String
    }

    struct ListPage {
        var title = "Notifications"
        var atNotifications = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var rows: [Row]
        var hasRows: Bool
        var hasUnread: Bool
        var next: String?
    }

    /// One way a kind may reach a user, as a choice in a list.
    struct Choice {
        var value: String
        var label: String
        var selected: Bool
    }

    /// One kind's choice, in one of the forms.
    struct KindField {
        var name: String
        var label: String
        var choices: [Choice]
    }

    struct DefaultsForm {
        var kinds: [KindField]
    }

    struct SettingsPage {
        var title = "Notifications"
        var atNotifications = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var own: [KindField]
        /// For super admins: the help desk's defaults.
        var defaults: DefaultsForm?
        var notice: String?
        var refusal: String?
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("notifications") { request, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await list(caller: caller, csrf: csrf, after: request.uri.queryParameters.get("after"))
            }
        }
        router.post("notifications/read") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, _, _ in
                _ = try await desk.notifications.markRead(ids: nil, by: caller)
                return WorkspacePage.redirect(to: "/notifications")
            }
        }
        router.post("notifications/:id/open") { request, context in
            let id = try context.parameters.require("id")
            return try await WorkspacePage.submitted(request, context) { caller, _, _ in
                let notification = try await desk.notifications.open(id: id, by: caller)
                if let ticket = notification.ticketID { return WorkspacePage.redirect(to: "/tickets/\(ticket)") }
                if let conversation = notification.conversationID { return WorkspacePage.redirect(to: "/conversations/\(conversation)") }
                return WorkspacePage.redirect(to: "/notifications")
            }
        }
        router.get("settings/notifications") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in try await settings(caller: caller, csrf: csrf) }
        }
        router.post("settings/notifications") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, csrf, form in
                _ = try await desk.notifications.setOwn(Self.read(form, allowingDefault: true), by: caller)
                return try await settings(caller: caller, csrf: csrf, notice: "Saved. Your choices apply to what happens from now on.")
            }
        }
        router.post("settings/notifications/defaults") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, csrf, form in
                do {
                    _ = try await desk.notifications.setDefaults(Self.read(form, allowingDefault: false), by: caller)
                } catch HelpDeskError.forbidden(let denied) {
                    return try await settings(caller: caller, csrf: csrf, refusal: denied.reason, status: .forbidden)
                }
                return try await settings(caller: caller, csrf: csrf, notice: "Saved. Everyone who has not chosen for a kind follows these.")
            }
        }
    }

    func list(caller: Caller, csrf: String, after: String?) async throws -> Response {
        let (notifications, next) = try await desk.notifications.list(unreadOnly: false, before: after, limit: Self.pageSize, by: caller)
        let rows = notifications.map { Row(id: $0.id, text: $0.text, unread: $0.readAt == nil, createdISO: $0.createdAt.isoString) }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("notifications", ListPage(
            csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), rows: rows, hasRows: !rows.isEmpty,
            hasUnread: rows.contains(where: \.unread), next: next.map { "/notifications?after=\($0)" }))
    }

    static let followDefault = "DEFAULT"
    static let ways: [(value: String, label: String, delivery: NotificationPreferences.Delivery)] = [
        ("BOTH", "In the workspace and by email", .init(workspace: true, email: true)),
        ("WORKSPACE", "In the workspace only", .init(workspace: true, email: false)),
        ("EMAIL", "By email only", .init(workspace: false, email: true)),
        ("OFF", "Not at all", .init(workspace: false, email: false)),
    ]

    static func value(of delivery: NotificationPreferences.Delivery) -> String {
        ways.first { $0.delivery == delivery }?.value ?? "BOTH"
    }

    /// The preferences a form sent: for each kind one of `ways`, or (for a user's own) the default.
    static func read(_ form: SubmittedForm, allowingDefault: Bool) throws(HelpDeskError) -> NotificationPreferences {
        var kinds: [AgentNotification.Kind: NotificationPreferences.Delivery] = [:]
        for kind in AgentNotification.Kind.allCases {
            let sent = form[kind.rawValue] ?? (allowingDefault ? followDefault : "")
            if allowingDefault && sent == followDefault { continue }
            guard let way = ways.first(where: { $0.value == sent }) else {
                throw .badRequest("Choose how \"\(kind.title)\" reaches \(allowingDefault ? "you" : "everyone"); \"\(sent)\" is not a choice.")
            }
            kinds[kind] = way.delivery
        }
        return NotificationPreferences(kinds)
    }

    func settings(caller: Caller, csrf: String, notice: String? = nil, refusal: String? = nil,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let current = try await desk.notifications.settings(by: caller)
        let own = AgentNotification.Kind.allCases.map { kind in
            let fallback = NotificationPreferences.delivery(of: kind, user: nil, defaults: current.defaults)
            let chosen = current.own.kinds[kind].map(Self.value(of:)) ?? Self.followDefault
            let defaultLabel = "Default: \(Self.ways.first { $0.delivery == fallback }?.label.lowercased() ?? "in the workspace")"
            return KindField(name: kind.rawValue, label: kind.title,
                             choices: [Choice(value: Self.followDefault, label: defaultLabel, selected: chosen == Self.followDefault)]
                                 + Self.ways.map { Choice(value: $0.value, label: $0.label, selected: chosen == $0.value) })
        }
        let defaults = Access.allows(caller.user, .setNotificationDefaults) ? DefaultsForm(kinds: AgentNotification.Kind.allCases.map { kind in
            let chosen = Self.value(of: NotificationPreferences.delivery(of: kind, user: nil, defaults: current.defaults))
            return KindField(name: kind.rawValue, label: kind.title,
                             choices: Self.ways.map { Choice(value: $0.value, label: $0.label, selected: chosen == $0.value) })
        }) : nil
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("notification-settings", SettingsPage(
            csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), own: own, defaults: defaults,
            notice: notice, refusal: refusal), status: status)
    }
}
