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
