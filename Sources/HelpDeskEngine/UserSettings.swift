import HelpDeskCore
import HelpDeskStore

/// Each user's own choices in the workspace; nobody reads or changes another's.
public struct UserSettings: Sendable {
    let desk: HelpDesk

    static let sideColumnName = "ticket.side_properties"

    /// The ticket properties the caller chose to see beside the thread (R7); `nil` for the defaults.
    public func sideColumn(by caller: Caller) async throws -> [String]? {
        let userID = caller.user.id
        guard let stored = try await desk.database.read({ try await $0.userSetting(userID: userID, name: Self.sideColumnName) }) else {
            return nil
        }
        return stored.isEmpty ? [] : stored.split(separator: ",").map(String.init)
    }

    /// Keeps the caller's choice of properties beside the thread.
    public func setSideColumn(_ names: [String], by caller: Caller) async throws {
        let schema = try await desk.catalog.schema(for: ObjectType.tickets.name)
        if let problem = SideColumn.problem(with: names, in: schema) { throw HelpDeskError.badRequest(problem) }
        let userID = caller.user.id, now = desk.clock(), value = names.joined(separator: ",")
        try await desk.database.write { try await $0.saveUserSetting(userID: userID, name: Self.sideColumnName, value: value, at: now) }
    }
}
