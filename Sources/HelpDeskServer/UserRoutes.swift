import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/settings/v3/users`: users, their roles and teams, in the shape of the commercial product's
/// user-provisioning API, with the help desk's own fields besides (`ticketScope`, `serviceSeat`).
/// Role ids are the help desk's roles: `help-desk`, `workflow`, `account-access`, `super-admin`.
struct UserRoutes {
    let desk: HelpDesk
    let accounts: AccountRoutes

    struct UserJSON: Encodable {
        var id: String
        var email: String
        var firstName: String
        var lastName: String
        var roleIds: [String]
        var roleId: String?
        var superAdmin: Bool
        var primaryTeamId: String?
        var secondaryTeamIds: [String]
        var ticketScope: String
        var serviceSeat: Bool
        /// The one-time link to hand over, for a user added without the welcome email.
        var invitationLink: String?

        init(_ user: User, link: String? = nil) {
            id = user.id
            email = user.email
            firstName = user.firstName
            lastName = user.lastName
            roleIds = user.roles.names
            roleId = user.roles.names.first
            superAdmin = user.roles.contains(.superAdmin)
            primaryTeamId = user.primaryTeamID
            secondaryTeamIds = user.teamIDs.filter { $0 != user.primaryTeamID }
            ticketScope = user.ticketScope.rawValue
            serviceSeat = user.serviceSeat
            invitationLink = link
        }
    }

    struct UserPageJSON: Encodable {
        struct Paging: Encodable {
            struct Next: Encodable {
                var after: String
            }

            var next: Next
        }

        var results: [UserJSON]
        var paging: Paging?
    }

    /// A user to add or a change, as a client sends it.
    struct UserInput: Decodable {
        var email: String?
        var sendWelcomeEmail: Bool?
        var firstName: String?
        var lastName: String?
        var roleId: String?
        var roleIds: [String]?
        var primaryTeamId: String?
        var secondaryTeamIds: [String]?
        var ticketScope: String?
        var serviceSeat: Bool?

        /// The roles named, checked; `nil` when none is named.
        func roles() throws -> Roles? {
            guard roleId != nil || roleIds != nil else { return nil }
            var roles: Roles = []
            for name in (roleIds ?? []) + [roleId].compactMap({ $0 }) {
                guard let role = Roles.names.first(where: { $0.0 == name })?.1 else {
                    throw APIError.badRequest("Unknown role \"\(name)\"; roles are \(Roles.names.map(\.0).joined(separator: ", ")).")
                }
                roles.insert(role)
            }
            return roles
        }

        func scope() throws -> TicketScope? {
            guard let ticketScope else { return nil }
            guard let scope = TicketScope(rawValue: ticketScope) else {
                throw APIError.badRequest("ticketScope must be all, team or own; \"\(ticketScope)\" given.")
            }
            return scope
        }
    }

    struct TeamJSON: Encodable {
        var id: String
        var name: String
        var userIds: [String]
        var secondaryUserIds: [String]
    }

    struct RoleJSON: Encodable {
        var id: String
        var name: String
        var requiresBillingWrite = false
    }

    struct ResultsJSON<T: Encodable>: Encodable {
        var results: [T]
    }

    func register(_ users: RouteBook.Section) {
        users.add(.get, "", "getUsers", "List the active users", response: "UserPage",
                  query: [("limit", "1 to 500"), ("after", "Cursor")]) { request, context in
            let query = request.uri.queryParameters
            let limit = try Self.number(query.get("limit"), name: "limit", default: 100, in: 1...500)
            let after = try Self.number(query.get("after"), name: "after", default: 0, in: 0...Int.max)
            let all = try await desk.people.list(by: try context.requireCaller()).filter { (Int($0.id) ?? 0) > after }
            let page = Array(all.prefix(limit))
            return try JSONBody.response(UserPageJSON(
                results: page.map { UserJSON($0) },
                paging: all.count > limit ? .init(next: .init(after: page[page.count - 1].id)) : nil))
        }
        users.add(.post, "", "createUser", "Invite a user; they choose their password with a one-time link", request: "UserCreate",
                  response: "User", status: 201, errors: [400, 409, 413]) { request, context in
            let caller = try context.requireCaller()
            let input = try await JSONBody.decode(UserInput.self, from: request)
            guard let email = input.email else { throw APIError.badRequest("A user needs an email.") }
            let invitation = Invitation(
                email: email, firstName: input.firstName ?? "", lastName: input.lastName ?? "",
                roles: try input.roles() ?? [.helpDeskAccess], primaryTeamID: input.primaryTeamId, teamIDs: input.secondaryTeamIds ?? [],
                ticketScope: try input.scope() ?? .all, serviceSeat: input.serviceSeat ?? true, sendWelcomeEmail: input.sendWelcomeEmail ?? true)
            let (user, link) = try await desk.people.invite(invitation, linksAt: accounts.base(of: request), by: caller)
            return try JSONBody.response(UserJSON(user, link: link), status: .created)
        }
        users.add(.get, "teams", "getTeams", "List the teams with their members", response: "TeamList") { _, context in
            let teams = try await desk.people.teams(by: try context.requireCaller())
            let users = try await desk.people.users()
            return try JSONBody.response(ResultsJSON(results: teams.map { team in
                let primary = users.filter { $0.primaryTeamID == team.id }.map(\.id)
                return TeamJSON(id: team.id, name: team.name, userIds: primary,
                                secondaryUserIds: team.memberIDs.filter { !primary.contains($0) })
            }))
        }
        users.add(.get, "roles", "getRoles", "List the roles users may have", response: "RoleList") { _, context in
            try Access.check(try context.requireCaller().user, may: .manageUsers)
            return try JSONBody.response(ResultsJSON(results: Roles.names.map { RoleJSON(id: $0.0, name: SettingsRoutes.label(of: $0.1)) }))
        }
        users.add(.get, ":userId", "getUserById", "Read a user", response: "User",
                  query: [("idProperty", "USER_ID (default) or EMAIL")]) { request, context in
            let user = try await find(try context.parameters.require("userId"), request: request, context: context)
            return try JSONBody.response(UserJSON(user))
        }
        users.add(.put, ":userId", "updateUser", "Change a user's names, roles, teams, scope or seat", request: "UserUpdate",
                  response: "User", query: [("idProperty", "USER_ID (default) or EMAIL")]) { request, context in
            let caller = try context.requireCaller()
            let user = try await find(try context.parameters.require("userId"), request: request, context: context)
            let input = try await JSONBody.decode(UserInput.self, from: request)
            let teams: (primary: String?, others: [String])? = input.primaryTeamId != nil || input.secondaryTeamIds != nil
                ? (input.primaryTeamId ?? user.primaryTeamID, input.secondaryTeamIds ?? user.teamIDs.filter { $0 != user.primaryTeamID })
                : nil
            let changed = try await desk.people.change(id: user.id, UserChange(
                firstName: input.firstName, lastName: input.lastName, roles: try input.roles(), teams: teams, ticketScope: try input.scope(),
                serviceSeat: input.serviceSeat), by: caller)
            return try JSONBody.response(UserJSON(changed))
        }
        users.add(.delete, ":userId", "archiveUser", "Deactivate a user: they cannot sign in, their tokens are revoked, their history stays",
                  status: 204, query: [("idProperty", "USER_ID (default) or EMAIL")]) { request, context in
            let user = try await find(try context.parameters.require("userId"), request: request, context: context)
            try await desk.people.deactivate(id: user.id, by: try context.requireCaller())
            return Response(status: .noContent)
        }
    }

    func find(_ id: String, request: Request, context: HelpDeskRequestContext) async throws -> User {
        let caller = try context.requireCaller()
        switch request.uri.queryParameters.get("idProperty")?.uppercased() ?? "USER_ID" {
        case "USER_ID":
            return try await desk.people.get(id: id, by: caller)
        case "EMAIL":
            guard let user = try await desk.people.list(by: caller).first(where: { $0.email == id.lowercased() }) else {
                throw APIError.notFound("No active user has email \(id).")
            }
            return user
        case let other:
            throw APIError.badRequest("idProperty must be USER_ID or EMAIL; \"\(other)\" given.")
        }
    }

    static func number(_ text: String?, name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound); \"\(text)\" given.")
        }
        return number
    }
}
