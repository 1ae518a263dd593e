import Foundation
import HelpDeskCore
import HelpDeskStore

/// Each agent's own notifications: reading them and marking them read. Nobody reads another's.
public struct NotificationService: Sendable {
    let desk: HelpDesk

    /// The caller's notifications, newest first; `before` is the previous page's last id.
    public func list(unreadOnly: Bool, before: String?, limit: Int, by caller: Caller) async throws
        -> (notifications: [AgentNotification], next: String?) {
        guard (1...200).contains(limit) else { throw HelpDeskError.badRequest("limit must be between 1 and 200; \(limit) given.") }
        var beforeID: Int64?
        if let before, !before.isEmpty {
            guard let parsed = Int64(before) else {
                throw HelpDeskError.badRequest("after must be the cursor from the previous page; \"\(before)\" is not one.")
            }
            beforeID = parsed
        }
        let userID = caller.user.id, cursor = beforeID
        let found = try await desk.database.read { session in
            try await session.notifications(userID: userID, unreadOnly: unreadOnly, beforeID: cursor, limit: limit + 1)
        }
        let page = Array(found.prefix(limit))
        return (page, found.count > limit ? page.last?.id : nil)
    }

    /// Marks the caller's notifications read: these ids, or all when `ids` is `nil`.
    public func markRead(ids: [String]?, by caller: Caller) async throws -> Int {
        let numeric = try ids?.map { id in
            guard let value = Int64(id) else { throw HelpDeskError.badRequest("Notification id \"\(id)\" is not a number.") }
            return value
        }
        let userID = caller.user.id, now = desk.clock()
        return try await desk.database.write { session in
            try await session.markNotificationsRead(userID: userID, ids: numeric, at: now)
        }
    }
}

extension NotificationService {
    /// Marks one of the caller's notifications read and returns it, to go where it leads.
    public func open(id: String, by caller: Caller) async throws -> AgentNotification {
        guard let numeric = Int64(id) else { throw HelpDeskError.notFound("Notification \(id) does not exist.") }
        let userID = caller.user.id, now = desk.clock()
        return try await desk.database.write { session in
            guard let found = try await session.notification(id: numeric, userID: userID) else {
                throw HelpDeskError.notFound("Notification \(id) does not exist.")
            }
            try await session.markNotificationsRead(userID: userID, ids: [numeric], at: now)
            return found
        }
    }

    /// A user's own choices and the help desk's defaults, which fill in the kinds they left.
    public struct Settings: Sendable, Hashable {
        public var own: NotificationPreferences
        public var defaults: NotificationPreferences

        /// Where each kind goes for this user now.
        public func delivery(of kind: AgentNotification.Kind) -> NotificationPreferences.Delivery {
            NotificationPreferences.delivery(of: kind, user: own, defaults: defaults)
        }
    }

    public func settings(by caller: Caller) async throws -> Settings {
        let userID = caller.user.id
        return try await desk.database.read { session in
            Settings(own: try await session.notificationPreferences(userIDs: [userID])[userID] ?? NotificationPreferences(),
                     defaults: try await Self.defaults(session))
        }
    }

    /// Replaces the caller's own choices; kinds left out follow the defaults.
    public func setOwn(_ preferences: NotificationPreferences, by caller: Caller) async throws -> Settings {
        let userID = caller.user.id, now = desk.clock()
        let value = try Self.encoded(preferences)
        try await desk.database.write { session in
            try await session.saveUserSetting(userID: userID, name: StoreSession.notificationSetting, value: value, at: now)
        }
        return try await settings(by: caller)
    }

    /// Replaces the defaults of everyone who has not chosen for a kind (super admins only).
    public func setDefaults(_ preferences: NotificationPreferences, by caller: Caller) async throws -> Settings {
        try caller.check(.setNotificationDefaults)
        let now = desk.clock()
        let value = try Self.encoded(preferences)
        try await desk.database.write { session in
            try await session.saveAccountSetting(name: StoreSession.notificationSetting, value: value, at: now)
        }
        return try await settings(by: caller)
    }

    /// How many of the caller's notifications are unread, up to `cap`.
    public func unreadCount(cap: Int = 100, by caller: Caller) async throws -> Int {
        let userID = caller.user.id
        return try await desk.database.read { session in try await session.unreadNotifications(userID: userID, cap: cap) }
    }

    static func defaults(_ session: StoreSession) async throws -> NotificationPreferences {
        guard let stored = try await session.accountSetting(name: StoreSession.notificationSetting) else { return NotificationPreferences() }
        do {
            return try JSONDecoder().decode(NotificationPreferences.self, from: Data(stored.utf8))
        } catch {
            throw HelpDeskError.unavailable("The notification defaults cannot be read (\(error)); an admin may set them again.")
        }
    }

    static func encoded(_ preferences: NotificationPreferences) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(preferences), as: UTF8.self)
    }

    /// Keeps notifications as each recipient chose (in the workspace, by mail; none when both are
    /// off), in the caller's transaction.
    static func deliver(_ notifications: [AgentNotification], session: StoreSession) async throws {
        guard !notifications.isEmpty else { return }
        let own = try await session.notificationPreferences(userIDs: Array(Set(notifications.map(\.userID))))
        let defaults = try await Self.defaults(session)
        let deliveries = notifications.map { NotificationPreferences.delivery(of: $0.kind, user: own[$0.userID], defaults: defaults) }
        let kept = zip(notifications, deliveries).filter { !$0.1.isOff }
        try await session.insertNotifications(kept.map(\.0), deliveries: kept.map(\.1))
    }

    /// A10: the notifications a batch of the feed makes (see `NotificationTrigger`), for users who
    /// may see the ticket. Run by the durable consumer `NotificationDelivery` runs.
    static func notify(_ events: [FeedEvent], at now: Timestamp, session: StoreSession) async throws {
        let relevant = events.filter { event in
            guard event.objectType == ObjectType.tickets.id else { return false }
            switch event.kind {
            case .created, .messageReceived: return true
            case .propertyChanged: return event.property == Record.ownerProperty
            default: return false
            }
        }
        guard !relevant.isEmpty else { return }
        let ids = Set(relevant.compactMap { $0.recordID.flatMap { Int64($0) } })
        var tickets: [String: NotificationTrigger.Ticket] = [:]
        for record in try await session.records(type: .tickets, ids: Array(ids)) {
            tickets[record.id] = NotificationTrigger.Ticket(id: record.id, subject: record.properties["subject"] ?? "",
                                                            ownerID: record.properties[Record.ownerProperty],
                                                            teamID: record.properties[Record.teamProperty])
        }
        let teams = try await session.teams()
        var made: [(NotificationTrigger.Notice, FeedEvent)] = []
        for event in relevant {
            var reply: String?
            if event.kind == .messageReceived, event.oldValue != FeedEvent.openedTicket, let id = event.newValue {
                // An out-of-office answer or a bounce is not the customer replying.
                reply = try await session.message(id: id).flatMap { message in
                    message.automatic != nil ? nil : String(message.text.split(whereSeparator: \.isWhitespace).joined(separator: " ").prefix(140))
                }
            }
            made += NotificationTrigger.notices(for: event, ticket: event.recordID.flatMap { tickets[$0] }, reply: reply, teams: teams)
                .map { ($0, event) }
        }
        guard !made.isEmpty else { return }
        let users = Dictionary(try await session.users(ids: Array(Set(made.map(\.0.userID)))).map { ($0.id, $0) }) { first, _ in first }
        let notifications = made.compactMap { notice, event -> AgentNotification? in
            guard let user = users[notice.userID], let ticketID = event.recordID, let ticket = tickets[ticketID],
                  Access.allows(user, .readRecords(.tickets)),
                  Access.canSee(ticketOwnedBy: ticket.ownerID, team: ticket.teamID, user: user) else { return nil }
            return AgentNotification(
                id: "", userID: user.id, kind: notice.kind, conversationID: event.conversationID.map(String.init),
                messageID: event.kind == .messageReceived ? event.newValue : nil, ticketID: ticketID,
                actorID: event.actor == Caller.systemUserID ? nil : event.actor, text: notice.text, createdAt: now)
        }
        try await deliver(notifications, session: session)
    }
}

extension NotificationService {
    /// The durable consumer that turns the feed into notifications (see `notify`).
    static func consumer(_ desk: HelpDesk) -> FeedConsumer {
        FeedConsumer(name: "notifications") { events, session in
            try await notify(events, at: desk.clock(), session: session)
        }
    }

    /// Makes the notifications of everything in the feed so far; for tests and tools, where
    /// `NotificationDelivery` does not run.
    package func catchUp() async throws {
        let consumer = Self.consumer(desk)
        while try await desk.consumeBatch(consumer) == FeedConsumer.batch {}
    }

    /// At most one mail per user in this long: a busy hour sends a few mails, not a hundred.
    public static let mailInterval: Int64 = 15 * 60 * 1000
    /// The most notifications one mail lists; it counts the rest.
    static let mailLimit = 25

    /// A10: mails each user whose notifications wait for it, and whose last such mail is at least
    /// `mailInterval` old, one mail with all of them, through the outbox; links lead into the
    /// workspace at `links`. Returns how many mails it wrote. Nothing goes while no team address
    /// is connected: the notifications wait. Several servers may run it: one pass at a time.
    @discardableResult
    public func mailDue(links: String) async throws -> Int {
        let now = desk.clock(), base = links.hasSuffix("/") ? String(links.dropLast()) : links
        return try await desk.database.write { session in
            try await session.lock("notification-mail")
            let due = try await session.usersDueNotificationMail(
                quietSince: Timestamp(millisecondsSince1970: now.millisecondsSince1970 - Self.mailInterval), limit: 100)
            guard !due.isEmpty, try await session.channels(kind: .email).contains(where: { !$0.archived }) else { return 0 }
            var mailed = 0
            for user in try await session.users(ids: due) {
                let waiting = try await session.notificationsDueMail(userID: user.id)
                guard let last = waiting.last.flatMap({ Int64($0.id) }) else { continue }
                if !user.archived {
                    try await PeopleService.mail(to: user, subject: Self.mailSubject(waiting), text: Self.mailText(waiting, to: user, links: base),
                                                      now: now, session: session)
                    mailed += 1
                }
                try await session.markNotificationsMailed(userID: user.id, throughID: last, at: now)
            }
            return mailed
        }
    }

    static func mailSubject(_ notifications: [AgentNotification]) -> String {
        guard notifications.count > 1 else { return String((notifications.first?.text ?? "A notification").prefix(120)) }
        return "\(notifications.count) new notifications"
    }

    static func mailText(_ notifications: [AgentNotification], to user: User, links: String) -> String {
        var lines = ["Hello\(user.firstName.isEmpty ? "" : " \(user.firstName)"),", ""]
        for notification in notifications.suffix(Self.mailLimit) {
            lines.append("- \(notification.text.replacingOccurrences(of: "\n", with: " "))")
            if let ticket = notification.ticketID {
                lines.append("  \(links)/tickets/\(ticket)")
            } else if let conversation = notification.conversationID {
                lines.append("  \(links)/conversations/\(conversation)")
            }
        }
        if notifications.count > Self.mailLimit {
            lines.append("- and \(notifications.count - Self.mailLimit) earlier ones: \(links)/notifications")
        }
        lines += ["", "These mails come at most every \(Self.mailInterval / 60_000) minutes. Choose what you hear of, and how:",
                  "\(links)/settings/notifications"]
        return lines.joined(separator: "\n")
    }
}
