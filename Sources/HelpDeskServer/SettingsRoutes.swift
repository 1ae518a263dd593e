import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The admins' settings page for users (invite, see, deactivate). Only users who manage users
/// (account access or super admin) see it; pipelines have a page of their own
/// (`PipelineSettingsRoutes`).
struct SettingsRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes
    let accounts: AccountRoutes

    struct UserRow {
        var id: String
        var name: String
        var email: String
        var roles: String
        var teams: String
        var scope: String
        var isSelf: Bool
    }

    struct RoleOption {
        var id: String
        var label: String
        var checked: Bool
    }

    struct TeamOption {
        var id: String
        var name: String
        var members: Int
        /// The team email addresses it may write from by default (R2), its choice selected.
        var senders: [TicketRoutes.SenderOption]
    }

    struct LinkView {
        var email: String
        var url: String
    }

    struct Page {
        var title = "Users"
        /// Marks the header's settings link of this page.
        var atUsers = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var users: [UserRow]
        var roles: [RoleOption]
        var teams: [TeamOption]
        var hasTeams: Bool
        var canMail: Bool
        var notice: String?
        var link: LinkView?
        var error: String?
    }

    static let roleLabels: [(Roles, String)] = [
        (.helpDeskAccess, "Help desk (tickets and conversations)"), (.workflowPermission, "Workflows"),
        (.accountAccess, "Account settings and users"), (.superAdmin, "Super admin"),
    ]

    static func label(of role: Roles) -> String {
        roleLabels.first { $0.0 == role }?.1 ?? role.names.joined(separator: ", ")
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/users") { request, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                let notice = request.uri.queryParameters.get("done").map { "\($0) is deactivated." }
                return try await page(caller: caller, csrf: csrf, notice: notice)
            }
        }
        router.post("settings/users") { request, context in
            let form = try await Self.pairs(request)
            return try await WorkspacePage.signedIn(context) { caller, csrf in
                guard Self.value(form, "csrf") == csrf else { return Self.stale() }
                let roles = form.filter { $0.0 == "role" }.reduce(into: Roles()) { roles, pair in
                    if let role = Roles.names.first(where: { $0.0 == pair.1 })?.1 { roles.insert(role) }
                }
                let team = Self.value(form, "team").flatMap { $0.isEmpty ? nil : $0 }
                let invitation = Invitation(
                    email: Self.value(form, "email") ?? "", firstName: Self.value(form, "firstName") ?? "",
                    lastName: Self.value(form, "lastName") ?? "", roles: roles, primaryTeamID: team,
                    ticketScope: TicketScope(rawValue: Self.value(form, "scope") ?? "") ?? .all, serviceSeat: Self.value(form, "seat") == "1",
                    sendWelcomeEmail: Self.value(form, "mail") == "1")
                do {
                    let (invited, link) = try await desk.people.invite(invitation, linksAt: accounts.base(of: request), by: caller)
                    return try await page(caller: caller, csrf: csrf,
                                          notice: link == nil ? "\(invited.email) is invited; the link is on its way by mail." : nil,
                                          link: link.map { LinkView(email: invited.email, url: $0) })
                } catch let error as HelpDeskError {
                    if case .forbidden = error { return WorkspacePage.refusal(error) }
                    return try await page(caller: caller, csrf: csrf, error: error.message, status: AccountRoutes.status(of: error))
                }
            }
        }
        router.post("settings/teams/:id/from") { request, context in
            let form = try await Self.pairs(request)
            return try await WorkspacePage.signedIn(context) { caller, csrf in
                guard Self.value(form, "csrf") == csrf else { return Self.stale() }
                let channel = Self.value(form, "channel").flatMap { $0.isEmpty ? nil : $0 }
                do {
                    let team = try await desk.people.setDefaultFrom(teamID: try context.parameters.require("id"), channelID: channel, by: caller)
                    return try await page(caller: caller, csrf: csrf, notice: "\(team.name) now writes from \(channel == nil ? "the first connected address" : "the address chosen") by default.")
                } catch let error as HelpDeskError {
                    if case .forbidden = error { return WorkspacePage.refusal(error) }
                    return try await page(caller: caller, csrf: csrf, error: error.message, status: AccountRoutes.status(of: error))
                }
            }
        }
        router.post("settings/users/:id/deactivate") { request, context in
            let form = try await Self.pairs(request)
            return try await WorkspacePage.signedIn(context) { caller, csrf in
                guard Self.value(form, "csrf") == csrf else { return Self.stale() }
                let id = try context.parameters.require("id")
                let user = try await desk.people.get(id: id, by: caller)
                try await desk.people.deactivate(id: id, by: caller)
                return WorkspacePage.redirect(to: "/settings/users?done=\(user.email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            }
        }
    }

    func page(caller: Caller, csrf: String, notice: String? = nil, link: LinkView? = nil, error: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let feed = desk.live.head()
        let users = try await desk.people.list(by: caller)
        let teams = try await desk.people.teams(by: caller)
        let teamNames = Dictionary(teams.map { ($0.id, $0.name) }) { first, _ in first }
        let scopes: [TicketScope: String] = [.all: "All tickets", .team: "Their teams'", .own: "Their own"]
        let rows = users.map { user in
            UserRow(id: user.id, name: user.displayName ?? "", email: user.email,
                    roles: Self.roleLabels.filter { user.roles.contains($0.0) }.map(\.1).joined(separator: ", "),
                    teams: user.teamIDs.compactMap { teamNames[$0] }.joined(separator: ", "), scope: scopes[user.ticketScope] ?? "",
                    isSelf: user.id == caller.user.id)
        }
        let canMail = try await desk.channels.canMail()
        let senders = try await desk.channels.emailAddresses()
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("users", Page(
            csrf: csrf, feed: feed, user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), users: rows,
            roles: Self.roleLabels.filter { $0.0 != .superAdmin || caller.user.roles.contains(.superAdmin) }
                .map { RoleOption(id: $0.0.names.first ?? "", label: $0.1, checked: $0.0 == .helpDeskAccess) },
            teams: teams.map { team in
                TeamOption(id: team.id, name: team.name, members: team.memberIDs.count, senders: senders.map {
                    TicketRoutes.SenderOption(id: $0.id, label: $0.name == $0.address ? $0.address : "\($0.name) <\($0.address)>",
                                              selected: $0.id == team.defaultChannelID)
                })
            }, hasTeams: !teams.isEmpty, canMail: canMail, notice: notice, link: link, error: error),
            status: status)
    }

    /// A change from a page older than the session: back to the page it came from.
    static func stale(back: (href: String, label: String) = ("/settings/users", "Back to users")) -> Response {
        WorkspacePage.message(status: .forbidden, title: "Request refused", message: "The page was too old to make this change; reload it and try again.",
                              link: back)
    }

    static func pairs(_ request: Request) async throws -> [(String, String)] {
        URLEncodedForm.pairs(String(buffer: try await request.body.collect(upTo: AccountRoutes.maxBody)))
    }

    static func value(_ pairs: [(String, String)], _ name: String) -> String? {
        pairs.first { $0.0 == name }?.1
    }
}
