import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The agents' workspace: the views in the left column with their counts, and the tickets of the
/// chosen view. Signed-out visitors are sent to the sign-in page.
struct WorkspaceRoutes {
    let desk: HelpDesk
    static let pageSize = 50
    /// Counts in the left column stop here ("10,000+"): past it, the number tells an agent
    /// nothing more, and counting a million closed tickets at each page would be slow.
    static let countCap = 10_000

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
        /// Whether the header links to the channels' settings.
        var channels: Bool
        /// Whether the header links to the pipelines' automation (W6).
        var automation: Bool
        /// Whether the header shows the settings at all.
        var settings: Bool
        /// The header's available/away switch (A6), for those who work tickets.
        var availability: AvailabilityRoutes.Switch?
        /// The header's link to the notifications, with how many are unread ("99+" past 99).
        var unread: String?

        /// The header of `caller`'s pages, with their availability read fresh: routing reads it too.
        init(_ caller: Caller, desk: HelpDesk) async throws {
            self.init(caller.user)
            let count = try await desk.notifications.unreadCount(cap: 100, by: caller)
            unread = count == 0 ? nil : count > 99 ? "99+" : String(count)
            if Access.allows(caller.user, .workConversations) {
                availability = AvailabilityRoutes.Switch(try await desk.routing.profile(userID: caller.user.id, by: caller).status,
                                                         back: WorkspacePage.address)
            }
        }

        init(_ user: User) {
            name = user.displayName ?? user.email
            email = user.email
            admin = Access.allows(user, .manageUsers)
            pipelines = Access.allows(user, .configurePipelines(.tickets))
            snippets = Access.allows(user, .configureSnippets)
            properties = Access.allows(user, .configureProperties)
            channels = Access.allows(user, .configureChannels)
            automation = Access.allows(user, .configureAutomation)
            settings = admin || pipelines || snippets || properties || channels || automation
        }
    }

    struct ViewLink {
        var id: String
        var title: String
        /// The number of tickets, "10,000+" past `countCap`.
        var count: String
        var current: Bool
        /// A view saved from filters, listed after the built-in ones.
        var saved = false
    }

    struct SavedLink {
        var edit: String?
        var sharing: String
    }

    struct SortOption {
        var id: String
        var title: String
        var selected: Bool
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
        /// Links to the next page and back to the first, with the order kept.
        var next: String?
        var first: String?
        /// The orders the list can be put in; none for Drafts.
        var sorts: [SortOption]
        var sortable: Bool
        /// A saved view's link to its form (for who may change it) and who sees it.
        var saved: SavedLink?
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

    /// What a list shows: a built-in view or one saved from filters.
    enum ListSource {
        case builtIn(WorkspaceView)
        case saved(SavedView)

        var linkID: String {
            switch self {
            case .builtIn(let view): view.rawValue
            case .saved(let view): "saved/\(view.id)"
            }
        }

        var defaultSort: ListSort {
            switch self {
            case .builtIn: .lastActivity
            case .saved(let view): view.sort
            }
        }
    }

    func page(_ view: WorkspaceView, request: Request, context: HelpDeskRequestContext) async throws -> Response {
        guard let caller = context.caller, let csrf = context.csrfToken else { return WorkspacePage.redirect(to: "/sign-in") }
        if view == .inbox {
            return try await InboxRoutes(desk: desk, workspace: self, tickets: TicketRoutes(desk: desk, workspace: self))
                .list(after: request.uri.queryParameters.get("after"), caller: caller, csrf: csrf)
        }
        return try await page(.builtIn(view), request: request, caller: caller, csrf: csrf)
    }

    func page(_ source: ListSource, request: Request, caller: Caller, csrf: String) async throws -> Response {
        let feed = desk.live.head()
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let after = request.uri.queryParameters.get("after")
        let sort = request.uri.queryParameters.get("sort").flatMap(ListSort.init(rawValue:)) ?? source.defaultSort
        let links = try await viewLinks(for: caller, tickets: tickets, current: source.linkID)
        guard let current = links.first(where: { $0.current }) else {
            return Access.allows(caller.user, .manageUsers) ? WorkspacePage.redirect(to: "/settings/users")
                : WorkspacePage.message(status: .forbidden, title: "No access to tickets",
                                        message: "Your account has no access to the help desk's tickets; ask an admin for it.")
        }
        let path = "/views/\(source.linkID)" + (sort == source.defaultSort ? "" : "?sort=\(sort.rawValue)")
        let joiner = sort == source.defaultSort ? "?" : "&"
        var rows: [TicketRow] = []
        var next: String?
        let properties = ["subject", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority", "hubspot_owner_id", "hs_lastmodifieddate"]
        var search: SearchRequest?
        switch source {
        case .builtIn(.drafts):
            // A user's drafts are few: they are paged by count.
            let offset = after.flatMap { Int($0) }.map { max(0, $0) } ?? 0
            let drafts = try await desk.drafts.list(by: caller)
            let page = Array(drafts.dropFirst(offset).prefix(Self.pageSize))
            let found = try await desk.records.read(type: ObjectType.tickets.name, ids: page.map(\.ticketID),
                                                    options: ReadOptions(properties: properties), by: caller)
            let owners = try await ownerNames()
            let byID = Dictionary(found.map { ($0.record.id, $0.record) }) { first, _ in first }
            rows = page.compactMap { draft in byID[draft.ticketID].map { row(of: $0, tickets: tickets, owners: owners, updatedAt: draft.updatedAt) } }
            if offset + page.count < drafts.count { next = path + joiner + "after=\(offset + page.count)" }
        case .builtIn(let view):
            search = view.search(for: caller.user, tickets: tickets, properties: properties, limit: Self.pageSize, sort: sort)
        case .saved(let view):
            search = view.search(properties: properties, limit: Self.pageSize, sort: sort)
        }
        if var search {
            search.start = after.flatMap(ListPosition.init)
            let found = try await desk.records.list(type: ObjectType.tickets.name, search, by: caller)
            let owners = try await ownerNames()
            rows = found.views.map { row(of: $0.record, tickets: tickets, owners: owners, updatedAt: sort == .newest ? $0.record.createdAt : nil) }
            next = found.next.map { path + joiner + "after=\($0)" }
        }
        var saved: SavedLink?
        if case .saved(let view) = source {
            var team: String?
            if let id = view.teamID { team = try await desk.people.teams().first { $0.id == id }?.name ?? "a team" }
            saved = SavedLink(edit: view.isEditable(by: caller.user) ? "/views/saved/\(view.id)/edit" : nil,
                              sharing: team.map { "Shared with \($0)" } ?? "Only you see this view")
        }
        let drafts = source.linkID == WorkspaceView.drafts.rawValue
        return WorkspacePage.render("workspace", Page(
            title: current.title, csrf: csrf, feed: feed, user: try await UserView(caller, desk: desk), views: links,
            view: current, tickets: rows, hasTickets: !rows.isEmpty, next: next, first: after == nil ? nil : path,
            sorts: ListSort.allCases.map { SortOption(id: $0.rawValue, title: $0.title, selected: $0 == sort) }, sortable: !drafts,
            saved: saved,
            timeHeading: drafts ? "Draft saved" : sort == .newest ? "Created" : "Updated",
            empty: drafts ? "No drafts: a reply you start and do not send is kept here." : "No tickets here.",
            owners: try await assignable(current: nil), statuses: Self.statusChoices(tickets),
            back: after.map { path + joiner + "after=\($0)" } ?? path))
    }

    /// The left column: every view with its count, the current one marked.
    func viewLinks(for caller: Caller, tickets: RecordSchema, current: String?) async throws -> [ViewLink] {
        // An admin without help-desk access signs in for the settings; they have no ticket views.
        guard Access.allows(caller.user, .readRecords(.tickets)) else { return [] }
        var links: [ViewLink] = []
        for candidate in WorkspaceView.allCases {
            var count = 0
            if candidate == .drafts {
                count = try await desk.drafts.list(by: caller).count
            } else if candidate == .inbox {
                count = try await desk.conversations.inboxCount(by: caller)
            } else if let search = candidate.search(for: caller.user, tickets: tickets, properties: [], limit: 0) {
                count = try await desk.records.count(type: ObjectType.tickets.name, search, upTo: Self.countCap + 1, by: caller)
            }
            links.append(ViewLink(id: candidate.rawValue, title: candidate.title, count: Self.countLabel(count),
                                  current: candidate.rawValue == current))
        }
        for view in try await desk.savedViews.list(by: caller) {
            let count = try await desk.records.count(type: ObjectType.tickets.name, view.search(properties: [], limit: 0),
                                                     upTo: Self.countCap + 1, by: caller)
            let id = ListSource.saved(view).linkID
            links.append(ViewLink(id: id, title: view.name, count: Self.countLabel(count), current: id == current, saved: true))
        }
        return links
    }

    static func countLabel(_ count: Int) -> String {
        count > countCap ? "10,000+" : String(count)
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

    /// A ticket's line in a list; `updatedAt` when the list shows another time than the ticket's last change.
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
