import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The agents' workspace: the views in the left column with their counts, and the tickets of the
/// chosen view. Signed-out visitors are sent to the sign-in page.
struct WorkspaceRoutes {
    let desk: HelpDesk
    static let pageSize = 50

    struct UserView {
        var name: String
        var email: String
        /// Whether the header links to the users' settings.
        var admin: Bool
        /// Whether the header links to the pipelines' settings.
        var pipelines: Bool
        /// Whether the header links to the snippets' settings.
        var snippets: Bool
        /// Whether the header links to the properties' settings.
        var properties: Bool
        /// Whether the header shows the settings at all.
        var settings: Bool

        init(_ user: User) {
            name = user.displayName ?? user.email
            email = user.email
            admin = Access.allows(user, .manageUsers)
            pipelines = Access.allows(user, .configurePipelines(.tickets))
            snippets = Access.allows(user, .configureSnippets)
            properties = Access.allows(user, .configureProperties)
            settings = admin || pipelines || snippets || properties
        }
    }

    struct ViewLink {
        var id: String
        var title: String
        var count: Int
        var current: Bool
    }

    struct OwnerOption {
        var id: String
        var name: String
        var selected: Bool
    }

    struct StatusChoice {
        var id: String
        var label: String
    }

    struct TicketRow {
        var id: String
        var subject: String
        var status: String
        var priority: String
        var owner: String
        var updated: String
        var updatedISO: String
    }

    struct Page {
        var title: String
        var csrf: String
        /// The feed's position when the page was made: live updates start after it.
        var feed: Int64
        var user: UserView
        var views: [ViewLink]
        var view: ViewLink
        var tickets: [TicketRow]
        var hasTickets: Bool
        var next: String?
        /// What the time column shows: the ticket's last change, or when the draft was saved.
        var timeHeading: String
        var empty: String
        /// The bulk changes' choices (V1): who to assign to, which status to set.
        var owners: [OwnerOption]
        var statuses: [StatusChoice]
        /// This page, to come back to after a bulk change.
        var back: String
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("") { request, context in
            try await page(.unassigned, request: request, context: context)
        }
        router.get("views/:view") { request, context in
            guard let view = WorkspaceView(rawValue: try context.parameters.require("view")) else {
                return WorkspacePage.message(status: .notFound, title: "No such view", message: "This view does not exist.",
                                             link: ("/", "Go to the workspace"))
            }
            return try await page(view, request: request, context: context)
        }
        router.get("assets/:file") { _, context in
            let name = try context.parameters.require("file")
            guard case .success(let templates) = WorkspaceTemplates.shared, let asset = templates.assets[name] else {
                throw APIError.notFound("No file \(name).")
            }
            var headers = HTTPFields()
            headers[.contentType] = asset.contentType
            headers[.cacheControl] = "public, max-age=300"
            headers[.init("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
        }
    }

    func page(_ view: WorkspaceView, request: Request, context: HelpDeskRequestContext) async throws -> Response {
        guard let caller = context.caller, let csrf = context.csrfToken else { return WorkspacePage.redirect(to: "/sign-in") }
        if view == .inbox {
            return try await InboxRoutes(desk: desk, workspace: self, tickets: TicketRoutes(desk: desk, workspace: self))
                .list(after: request.uri.queryParameters.get("after"), caller: caller, csrf: csrf)
        }
        let feed = desk.live.head()
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let offset = request.uri.queryParameters.get("after").flatMap { Int($0) }.map { max(0, $0) } ?? 0
        let links = try await viewLinks(for: caller, tickets: tickets, current: view)
        guard let current = links.first(where: { $0.current }) else {
            return Access.allows(caller.user, .manageUsers) ? WorkspacePage.redirect(to: "/settings/users")
                : WorkspacePage.message(status: .forbidden, title: "No access to tickets",
                                        message: "Your account has no access to the help desk's tickets; ask an admin for it.")
        }
        var rows: [TicketRow] = []
        var next: String?
        let properties = ["subject", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority", "hubspot_owner_id", "hs_lastmodifieddate"]
        if view == .drafts {
            let drafts = try await desk.drafts.list(by: caller)
            let page = Array(drafts.dropFirst(offset).prefix(Self.pageSize))
            let found = try await desk.records.read(type: ObjectType.tickets.name, ids: page.map(\.ticketID),
                                                    options: ReadOptions(properties: properties), by: caller)
            let owners = try await ownerNames()
            let byID = Dictionary(found.map { ($0.record.id, $0.record) }) { first, _ in first }
            rows = page.compactMap { draft in byID[draft.ticketID].map { row(of: $0, tickets: tickets, owners: owners, updatedAt: draft.updatedAt) } }
            if offset + page.count < drafts.count { next = String(offset + page.count) }
        } else if var search = view.search(for: caller.user, tickets: tickets, properties: properties, limit: Self.pageSize) {
            search.offset = offset
            let found = try await desk.records.search(type: ObjectType.tickets.name, search, by: caller)
            let owners = try await ownerNames()
            rows = found.views.map { row(of: $0.record, tickets: tickets, owners: owners) }
            if offset + rows.count < found.total { next = String(offset + rows.count) }
        }
        let user = caller.user
        return WorkspacePage.render("workspace", Page(
            title: view.title, csrf: csrf, feed: feed, user: UserView(user), views: links,
            view: current, tickets: rows, hasTickets: !rows.isEmpty, next: next,
            timeHeading: view == .drafts ? "Draft saved" : "Updated",
            empty: view == .drafts ? "No drafts: a reply you start and do not send is kept here." : "No tickets here.",
            owners: try await assignable(current: nil), statuses: Self.statusChoices(tickets),
            back: offset > 0 ? "/views/\(view.rawValue)?after=\(offset)" : "/views/\(view.rawValue)"))
    }

    /// The left column: every view with its count, the current one marked.
    func viewLinks(for caller: Caller, tickets: RecordSchema, current: WorkspaceView?) async throws -> [ViewLink] {
        // An admin without help-desk access signs in for the settings; they have no ticket views.
        guard Access.allows(caller.user, .readRecords(.tickets)) else { return [] }
        var links: [ViewLink] = []
        for candidate in WorkspaceView.allCases {
            var count = 0
            if candidate == .drafts {
                count = try await desk.drafts.list(by: caller).count
            } else if candidate == .inbox {
                count = try await desk.conversations.inboxCount(by: caller)
            } else if let search = candidate.search(for: caller.user, tickets: tickets, properties: [], limit: 1) {
                count = try await desk.records.search(type: ObjectType.tickets.name, search, by: caller).total
            }
            links.append(ViewLink(id: candidate.rawValue, title: candidate.title, count: count, current: candidate == current))
        }
        return links
    }

    /// Who a ticket can be given to (A2, A9): active users with help-desk access, and its owner now.
    func assignable(current: String?) async throws -> [OwnerOption] {
        try await desk.people.users().filter { $0.id == current || Access.allows($0, .readRecords(.tickets)) }
            .map { OwnerOption(id: $0.id, name: $0.displayName ?? $0.email, selected: $0.id == current) }
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    /// Every status of every pipeline, named with its pipeline when there are several.
    static func statusChoices(_ tickets: RecordSchema) -> [StatusChoice] {
        let pipelines = tickets.pipelines.filter { !$0.archived }.sorted { ($0.displayOrder, $0.id) < ($1.displayOrder, $1.id) }
        return pipelines.flatMap { pipeline in
            pipeline.activeStages.map { StatusChoice(id: $0.id, label: pipelines.count > 1 ? "\(pipeline.label): \($0.label)" : $0.label) }
        }
    }

    func ownerNames() async throws -> [String: String] {
        Dictionary(try await desk.people.users(includeArchived: true).map { ($0.id, $0.displayName ?? $0.email) }) { first, _ in first }
    }

    /// A ticket's line in a list; `updatedAt` when the list is ordered by another time than the ticket's last change.
    func row(of record: Record, tickets: RecordSchema, owners: [String: String], updatedAt: Timestamp? = nil) -> TicketRow {
        let properties = record.properties
        let stage = properties["hs_pipeline"].flatMap { tickets.pipeline($0) }?.stage(properties["hs_pipeline_stage"] ?? "")
        let priority = properties["hs_ticket_priority"].flatMap { value in
            tickets.properties["hs_ticket_priority"]?.options.first { $0.value == value }?.label ?? value
        } ?? ""
        let updated = updatedAt ?? record.updatedAt
        return TicketRow(id: record.id, subject: properties["subject"] ?? "(no subject)", status: stage?.label ?? "",
                         priority: priority, owner: properties["hubspot_owner_id"].flatMap { owners[$0] } ?? "Unassigned",
                         updated: updated.isoString, updatedISO: updated.isoString)
    }
}
