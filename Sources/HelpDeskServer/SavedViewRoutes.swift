import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// Views saved from filters (V1): the form that makes or changes one (a name, who sees it, its
/// order and up to five conditions in words), its list, and its removal.
struct SavedViewRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    struct Choice {
        var id: String
        var title: String
        var selected: Bool
    }

    struct Line {
        var index: Int
        var properties: [Choice]
        var comparisons: [Choice]
        var value: String
    }

    struct Page {
        var title: String
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var action: String
        var name: String
        var sharing: [Choice]
        var sorts: [Choice]
        var lines: [Line]
        var error: String?
        /// Where the view is removed; only when changing one.
        var delete: String?
        var cancel: String
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("views/new") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await form(nil, caller: caller, csrf: csrf)
            }
        }
        router.post("views/new") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, csrf, submitted in
                try await save(nil, submitted, caller: caller, csrf: csrf)
            }
        }
        router.get("views/saved/:id") { request, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                let view: SavedView
                do {
                    view = try await desk.savedViews.get(id: try context.parameters.require("id"), by: caller)
                } catch let error as HelpDeskError {
                    return WorkspacePage.refusal(error)
                }
                return try await workspace.page(.saved(view), request: request, caller: caller, csrf: csrf)
            }
        }
        router.get("views/saved/:id/edit") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                do {
                    let view = try await desk.savedViews.get(id: try context.parameters.require("id"), by: caller)
                    return try await form(view, caller: caller, csrf: csrf)
                } catch let error as HelpDeskError {
                    return WorkspacePage.refusal(error)
                }
            }
        }
        router.post("views/saved/:id/edit") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, csrf, submitted in
                try await save(try context.parameters.require("id"), submitted, caller: caller, csrf: csrf)
            }
        }
        router.post("views/saved/:id/delete") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, _, _ in
                do {
                    try await desk.savedViews.delete(id: try context.parameters.require("id"), by: caller)
                } catch let error as HelpDeskError {
                    return WorkspacePage.refusal(error)
                }
                return WorkspacePage.redirect(to: "/")
            }
        }
    }

    func save(_ id: String?, _ submitted: SubmittedForm, caller: Caller, csrf: String) async throws -> Response {
        let conditions = try await conditions()
        let lines = (0..<ViewConditions.rows).map { index in
            ViewConditions.Row(property: submitted["property\(index)"] ?? "",
                               comparison: submitted["comparison\(index)"].flatMap(ViewConditions.Comparison.init(rawValue:)) ?? .equals,
                               value: submitted["value\(index)"] ?? "")
        }
        let name = submitted["name"] ?? ""
        let team = submitted["team"].flatMap { $0.isEmpty ? nil : $0 }
        let sort = submitted["sort"].flatMap(ListSort.init(rawValue:)) ?? .lastActivity
        let (filters, problems) = conditions.filters(from: lines)
        func again(_ error: String, status: HTTPResponse.Status) async throws -> Response {
            try await form(id.map { SavedView(id: $0, name: name, authorID: caller.user.id, teamID: team, filters: [], sort: sort) },
                           name: name, team: team, sort: sort, lines: lines, caller: caller, csrf: csrf, error: error, status: status)
        }
        guard problems.isEmpty else { return try await again(problems.joined(separator: " "), status: .badRequest) }
        do {
            let saved = if let id {
                try await desk.savedViews.update(id: id, name: name, teamID: team, filters: filters, sort: sort, by: caller)
            } else {
                try await desk.savedViews.create(name: name, teamID: team, filters: filters, sort: sort, by: caller)
            }
            return WorkspacePage.redirect(to: "/views/saved/\(saved.id)")
        } catch let error as HelpDeskError {
            switch error {
            case .forbidden, .notFound: return WorkspacePage.refusal(error)
            default: return try await again(error.message, status: AccountRoutes.status(of: error))
            }
        }
    }

    func form(_ view: SavedView?, caller: Caller, csrf: String) async throws -> Response {
        let conditions = try await conditions()
        if let view, !view.isEditable(by: caller.user) {
            return WorkspacePage.refusal(.forbidden(AccessDenied(reason: "Only the view's author changes it; it is shared with you.")))
        }
        return try await form(view, name: view?.name ?? "", team: view?.teamID, sort: view?.sort ?? .lastActivity,
                              lines: conditions.rows(from: view?.filters ?? []), caller: caller, csrf: csrf)
    }

    func form(_ view: SavedView?, name: String, team: String?, sort: ListSort, lines: [ViewConditions.Row], caller: Caller, csrf: String,
              error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        do {
            try Access.check(caller.user, may: .readRecords(.tickets))
        } catch {
            return WorkspacePage.refusal(.forbidden(error))
        }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let properties = tickets.properties.values.sorted { $0.label.lowercased() < $1.label.lowercased() }
        let teams = try await desk.people.teams().filter { caller.user.teamIDs.contains($0.id) || $0.id == team }
        let filled = lines.filter { !$0.property.isEmpty }
        let shown = filled + Array(repeating: ViewConditions.Row(property: "", comparison: .equals, value: ""),
                                   count: max(0, ViewConditions.rows - filled.count))
        let page = Page(
            title: view == nil ? "New view" : "Change the view", csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: view.map { "saved/\($0.id)" }),
            action: view.map { "/views/saved/\($0.id)/edit" } ?? "/views/new", name: name,
            sharing: [Choice(id: "", title: "Only me", selected: team == nil)]
                + teams.map { Choice(id: $0.id, title: "My team \($0.name)", selected: $0.id == team) },
            sorts: ListSort.allCases.map { Choice(id: $0.rawValue, title: $0.title, selected: $0 == sort) },
            lines: shown.prefix(ViewConditions.rows).enumerated().map { index, line in
                Line(index: index,
                     properties: [Choice(id: "", title: "(no condition)", selected: line.property.isEmpty)]
                        + properties.map { Choice(id: $0.name, title: $0.label, selected: $0.name == line.property) },
                     comparisons: ViewConditions.Comparison.allCases.map { Choice(id: $0.rawValue, title: $0.title, selected: $0 == line.comparison) },
                     value: line.value)
            },
            error: error, delete: view.map { "/views/saved/\($0.id)/delete" }, cancel: view.map { "/views/saved/\($0.id)" } ?? "/")
        return WorkspacePage.render("saved-view", page, status: status)
    }

    func conditions() async throws -> ViewConditions {
        ViewConditions(tickets: try await desk.recordSchema(ObjectType.tickets.name), users: try await desk.people.users(),
                       teams: try await desk.people.teams())
    }
}
