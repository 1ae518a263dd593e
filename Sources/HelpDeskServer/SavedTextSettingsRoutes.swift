import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The pages of saved texts (R3), kept by the same people: the snippets agents insert with `#`
/// and the reply templates they start an answer from; add, change and remove them.
struct SavedTextSettingsRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes
    let kind: Kind

    /// Which saved texts a page keeps, with its words.
    enum Kind: String {
        case snippets
        case templates

        var title: String { self == .snippets ? "Snippets" : "Templates" }
        var singular: String { self == .snippets ? "snippet" : "template" }
        var hint: String {
            self == .snippets ? "Saved text any agent inserts in a reply or a comment by typing # and the snippet's name."
                : "Saved replies any agent starts an answer from, picked under the reply editor."
        }
        var placeholder: String { self == .snippets ? "refund-policy" : "Refund accepted" }
        /// How a text is named in messages and hidden labels: a snippet by what agents type.
        func called(_ name: String) -> String { self == .snippets ? "#\(name)" : "\"\(name)\"" }
    }

    struct Item {
        var id: String
        var name: String
        var called: String
        var text: String
    }

    struct Page {
        var title: String
        var atSnippets: Bool
        var atTemplates: Bool
        var path: String
        var singular: String
        var hint: String
        var placeholder: String
        var rows: Int
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var items: [Item]
        var hasItems: Bool
        var notice: String?
        var error: String?
    }

    var path: String { "/settings/\(kind.rawValue)" }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/\(kind.rawValue)") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(caller: caller, csrf: csrf)
            }
        }
        router.post("settings/\(kind.rawValue)") { request, context in
            try await change(request, context) { caller, form in
                let name = try await create(name: form["name"] ?? "", text: form["text"] ?? "", by: caller)
                return "\(kind.called(name)) is added."
            }
        }
        router.post("settings/\(kind.rawValue)/:id") { request, context in
            try await change(request, context) { caller, form in
                let id = try context.parameters.require("id")
                if form["action"] == "delete" {
                    try await delete(id: id, by: caller)
                    return "The \(kind.singular) is removed."
                }
                let name = try await update(id: id, name: form["name"] ?? "", text: form["text"] ?? "", by: caller)
                return "\(kind.called(name)) is saved."
            }
        }
    }

    func items(by caller: Caller) async throws -> [Item] {
        switch kind {
        case .snippets:
            try await desk.snippets.list(by: caller).map { Item(id: $0.id, name: $0.name, called: kind.called($0.name), text: $0.text) }
        case .templates:
            try await desk.replyTemplates.list(by: caller).map { Item(id: $0.id, name: $0.name, called: kind.called($0.name), text: $0.body) }
        }
    }

    /// Returns the name kept.
    func create(name: String, text: String, by caller: Caller) async throws -> String {
        switch kind {
        case .snippets: try await desk.snippets.create(name: name, text: text, by: caller).name
        case .templates: try await desk.replyTemplates.create(name: name, body: text, by: caller).name
        }
    }

    /// Returns the name kept.
    func update(id: String, name: String, text: String, by caller: Caller) async throws -> String {
        switch kind {
        case .snippets: try await desk.snippets.update(id: id, name: name, text: text, by: caller).name
        case .templates: try await desk.replyTemplates.update(id: id, name: name, body: text, by: caller).name
        }
    }

    func delete(id: String, by caller: Caller) async throws {
        switch kind {
        case .snippets: try await desk.snippets.delete(id: id, by: caller)
        case .templates: try await desk.replyTemplates.delete(id: id, by: caller)
        }
    }

    func change(_ request: Request, _ context: HelpDeskRequestContext,
                _ body: (Caller, SubmittedForm) async throws -> String) async throws -> Response {
        try await WorkspacePage.submitted(request, context, back: (path, "Back to \(kind.rawValue)")) { caller, csrf, form in
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
        let items = try await items(by: caller)
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("saved-texts", Page(
            title: kind.title, atSnippets: kind == .snippets, atTemplates: kind == .templates, path: path, singular: kind.singular,
            hint: kind.hint, placeholder: kind.placeholder, rows: kind == .snippets ? 4 : 8,
            csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), items: items,
            hasItems: !items.isEmpty, notice: notice, error: error), status: status)
    }
}
