import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The admins' page of snippets (R3): the saved text blocks agents insert with `#`; add, change
/// and remove them.
struct SnippetSettingsRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    struct Page {
        var title = "Snippets"
        var atSnippets = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var snippets: [Snippet]
        var hasSnippets: Bool
        var notice: String?
        var error: String?
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/snippets") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(caller: caller, csrf: csrf)
            }
        }
        router.post("settings/snippets") { request, context in
            try await change(request, context) { caller, form in
                let made = try await desk.snippets.create(name: form["name"] ?? "", text: form["text"] ?? "", by: caller)
                return "#\(made.name) is added."
            }
        }
        router.post("settings/snippets/:id") { request, context in
            try await change(request, context) { caller, form in
                let id = try context.parameters.require("id")
                if form["action"] == "delete" {
                    try await desk.snippets.delete(id: id, by: caller)
                    return "The snippet is removed."
                }
                let changed = try await desk.snippets.update(id: id, name: form["name"] ?? "", text: form["text"] ?? "", by: caller)
                return "#\(changed.name) is saved."
            }
        }
    }

    func change(_ request: Request, _ context: HelpDeskRequestContext,
                _ body: (Caller, SubmittedForm) async throws -> String) async throws -> Response {
        try await WorkspacePage.submitted(request, context, back: ("/settings/snippets", "Back to snippets")) { caller, csrf, form in
            do {
                return try await page(caller: caller, csrf: csrf, notice: try await body(caller, form))
            } catch let error as HelpDeskError {
                if case .forbidden = error { return WorkspacePage.refusal(error) }
                return try await page(caller: caller, csrf: csrf, error: error.message, status: AccountRoutes.status(of: error))
            }
        }
    }

    func page(caller: Caller, csrf: String, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response {
        do {
            try Access.check(caller.user, may: .configureSnippets)
        } catch {
            return WorkspacePage.refusal(.forbidden(error))
        }
        let snippets = try await desk.snippets.list(by: caller)
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("snippets", Page(
            csrf: csrf, feed: desk.live.head(), user: WorkspaceRoutes.UserView(caller.user),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), snippets: snippets,
            hasSnippets: !snippets.isEmpty, notice: notice, error: error), status: status)
    }
}
