import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The page of reply templates (R3), kept by those who keep the snippets: the saved replies
/// agents pick in the editor; add, change and remove them.
struct TemplateSettingsRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    struct Page {
        var title = "Templates"
        var atTemplates = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var templates: [ReplyTemplate]
        var hasTemplates: Bool
        var notice: String?
        var error: String?
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/templates") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(caller: caller, csrf: csrf)
            }
        }
        router.post("settings/templates") { request, context in
            try await change(request, context) { caller, form in
                let made = try await desk.replyTemplates.create(name: form["name"] ?? "", body: form["text"] ?? "", by: caller)
                return "The template \"\(made.name)\" is added."
            }
        }
        router.post("settings/templates/:id") { request, context in
            try await change(request, context) { caller, form in
                let id = try context.parameters.require("id")
                if form["action"] == "delete" {
                    try await desk.replyTemplates.delete(id: id, by: caller)
                    return "The template is removed."
                }
                let changed = try await desk.replyTemplates.update(id: id, name: form["name"] ?? "", body: form["text"] ?? "", by: caller)
                return "The template \"\(changed.name)\" is saved."
            }
        }
    }

    func change(_ request: Request, _ context: HelpDeskRequestContext,
                _ body: (Caller, SubmittedForm) async throws -> String) async throws -> Response {
        try await WorkspacePage.submitted(request, context, back: ("/settings/templates", "Back to templates")) { caller, csrf, form in
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
        let templates = try await desk.replyTemplates.list(by: caller)
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("templates", Page(
            csrf: csrf, feed: desk.live.head(), user: WorkspaceRoutes.UserView(caller.user),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), templates: templates,
            hasTemplates: !templates.isEmpty, notice: notice, error: error), status: status)
    }
}
