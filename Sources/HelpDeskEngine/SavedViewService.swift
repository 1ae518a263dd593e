import HelpDeskCore
import HelpDeskStore

/// The views agents save from filters (V1): each agent keeps their own, and shares one with a
/// team they are in. Only who may read tickets has views; the tickets each reader finds in one
/// follow their own access.
public struct SavedViewService: Sendable {
    let desk: HelpDesk

    /// The views `caller` sees: their own and those shared with their teams, by name.
    public func list(by caller: Caller) async throws -> [SavedView] {
        try caller.check(.readRecords(.tickets))
        let user = caller.user
        return try await desk.database.read { try await $0.savedViews(authorID: user.id, teamIDs: user.teamIDs) }
    }

    /// One view `caller` sees, or, for an admin, any shared one; another's private view is "not
    /// found", as if it did not exist.
    public func get(id: String, by caller: Caller) async throws -> SavedView {
        try caller.check(.readRecords(.tickets))
        guard let view = try await desk.database.read({ try await $0.savedView(id: id) }),
              view.isVisible(to: caller.user) || view.isEditable(by: caller.user) else {
            throw HelpDeskError.notFound("View \(id) does not exist.")
        }
        return view
    }

    public func create(name: String, teamID: String?, filters: [SearchRequest.Filter], sort: ListSort,
                       by caller: Caller) async throws -> SavedView {
        try caller.check(.readRecords(.tickets))
        let view = try await checked(SavedView(id: "", name: name.trimmingCharacters(in: .whitespaces), authorID: caller.user.id,
                                               teamID: teamID, filters: filters, sort: sort), by: caller)
        let now = desk.clock()
        return try await desk.configure(.views, by: caller, item: \.id) { session in
            try await session.insertSavedView(view, now: now)
        }
    }

    /// Changes a view's name, team, conditions and order; its author stays.
    public func update(id: String, name: String, teamID: String?, filters: [SearchRequest.Filter], sort: ListSort,
                       by caller: Caller) async throws -> SavedView {
        let current = try await editable(id: id, by: caller)
        let view = try await checked(SavedView(id: id, name: name.trimmingCharacters(in: .whitespaces), authorID: current.authorID,
                                               teamID: teamID, filters: filters, sort: sort), by: caller)
        let now = desk.clock()
        return try await desk.configure(.views, by: caller, item: \.id) { session in
            guard try await session.updateSavedView(view, now: now) else { throw HelpDeskError.notFound("View \(id) does not exist.") }
            return view
        }
    }

    public func delete(id: String, by caller: Caller) async throws {
        _ = try await editable(id: id, by: caller)
        _ = try await desk.configure(.views, by: caller, item: { (_: Bool) in id }) { session in
            guard try await session.deleteSavedView(id: id) else { throw HelpDeskError.notFound("View \(id) does not exist.") }
            return true
        }
    }

    func editable(id: String, by caller: Caller) async throws -> SavedView {
        let view = try await get(id: id, by: caller)
        guard view.isEditable(by: caller.user) else {
            throw HelpDeskError.forbidden(AccessDenied(reason: "Only the view's author changes it; it is shared with you."))
        }
        return view
    }

    func checked(_ view: SavedView, by caller: Caller) async throws -> SavedView {
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        var problems = SavedView.problems(name: view.name, teamID: view.teamID, filters: view.filters, author: caller.user, tickets: tickets)
        if let team = view.teamID, try await !desk.people.teams().contains(where: { $0.id == team }) {
            problems.append("Team \(team) does not exist.")
        }
        guard problems.isEmpty else { throw HelpDeskError.badRequest(problems.joined(separator: " ")) }
        return view
    }
}
