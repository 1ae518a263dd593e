import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The search box (V1): tickets whose name or description hold the words, and contacts whose
/// name, address, phone or company do, each with their tickets. Only what the user may see is
/// found (R8): the same searches as the API's, run as the user.
struct SearchRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    static let ticketLimit = 50
    static let contactLimit = 10

    struct ContactHit {
        var name: String
        var tickets: [WorkspaceRoutes.TicketRow]
        var hasTickets: Bool
    }

    struct Page {
        var title: String
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var query: String
        var tickets: [WorkspaceRoutes.TicketRow]
        var hasTickets: Bool
        var contacts: [ContactHit]
        var hasContacts: Bool
        var searched: Bool
        var notice: String?
        /// The next page of tickets; contacts show on the first.
        var next: String?
        var firstPage: Bool
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("search") { request, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                let query = String((request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
                return try await page(query: query, after: request.uri.queryParameters.get("after"), caller: caller, csrf: csrf)
            }
        }
    }

    func page(query: String, after: String?, caller: Caller, csrf: String) async throws -> Response {
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let owners = try await workspace.ownerNames()
        var rows: [WorkspaceRoutes.TicketRow] = []
        var contacts: [ContactHit] = []
        var notice: String?
        var next: String?
        if !query.isEmpty {
            do {
                let properties = ["subject", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority", "hubspot_owner_id", "hs_lastmodifieddate"]
                // Newest first: the full-text index lists matches in that order, so a common word
                // costs no more than a rare one.
                let found = try await desk.records.list(
                    type: ObjectType.tickets.name,
                    SearchRequest(sorts: [SearchRequest.Sort(propertyName: "hs_object_id", descending: true)], query: query,
                                  properties: properties, limit: Self.ticketLimit, start: after.flatMap(ListPosition.init)), by: caller)
                rows = found.views.map { workspace.row(of: $0.record, tickets: tickets, owners: owners) }
                next = found.next.map { "/search?q=\(Self.encoded(query))&after=\($0)" }
                if after == nil, Access.allows(caller.user, .readRecords(.contacts)) {
                    let people = try await desk.records.list(
                        type: ObjectType.contacts.name,
                        SearchRequest(sorts: [SearchRequest.Sort(propertyName: "hs_object_id", descending: true)], query: query,
                                      properties: TicketSide.nameProperties(of: .contacts), limit: Self.contactLimit), by: caller)
                    for person in people.views.map(\.record) {
                        let linked = try await desk.associations.list(ObjectType.contacts.name, person.id, toType: ObjectType.tickets.name,
                                                                      after: nil, limit: 10, by: caller).associations
                        let theirs = try await desk.records.read(type: ObjectType.tickets.name, ids: linked.map(\.toObjectID),
                                                                 options: ReadOptions(properties: properties), by: caller)
                            .map { workspace.row(of: $0.record, tickets: tickets, owners: owners) }
                        contacts.append(ContactHit(name: TicketSide.name(of: person, type: .contacts), tickets: theirs,
                                                   hasTickets: !theirs.isEmpty))
                    }
                }
            } catch let error as HelpDeskError {
                notice = error.message
            }
        }
        return WorkspacePage.render("search", Page(
            title: query.isEmpty ? "Search" : "Search: \(query)", csrf: csrf, feed: desk.live.head(),
            user: try await WorkspaceRoutes.UserView(caller, desk: desk), views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil),
            query: query, tickets: rows, hasTickets: !rows.isEmpty, contacts: contacts, hasContacts: !contacts.isEmpty,
            searched: !query.isEmpty, notice: notice, next: next, firstPage: after == nil))
    }

    static func encoded(_ query: String) -> String {
        query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
