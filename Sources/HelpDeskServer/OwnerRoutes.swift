import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/crm/v3/owners`: the users records can be assigned to, with their teams.
struct OwnerRoutes {
    let desk: HelpDesk

    struct TeamJSON: Encodable {
        var id: String
        var name: String
        var primary: Bool
    }

    struct OwnerJSON: Encodable {
        var id: String
        var email: String
        var type = "PERSON"
        var firstName: String
        var lastName: String
        var userId: Int?
        var userIdIncludingInactive: Int?
        var createdAt: String
        var updatedAt: String
        var archived: Bool
        var teams: [TeamJSON]

        init(_ user: User, teams: [Team]) {
            id = user.id
            email = user.email
            firstName = user.firstName
            lastName = user.lastName
            userId = Int(user.id)
            userIdIncludingInactive = Int(user.id)
            createdAt = user.createdAt.isoString
            updatedAt = user.updatedAt.isoString
            archived = user.archived
            self.teams = user.teamIDs.enumerated().compactMap { index, id in
                teams.first { $0.id == id }.map { TeamJSON(id: $0.id, name: $0.name, primary: index == 0) }
            }
        }
    }

    func register(_ owners: RouteBook.Section) {
        owners.add(.get, "", "getOwners", "List the users records can be assigned to", response: "OwnerPage",
                   query: [("email", "Only the owner with this email"), ("limit", "1 to 500"), ("after", "Cursor"),
                           ("archived", "true for deactivated users")]) { request, context in try await list(request, context) }
        owners.add(.get, ":ownerId", "getOwnerById", "Read an owner", response: "Owner",
                   errors: [404], query: [("archived", "true to read a deactivated user")]) { request, context in
            let caller = try context.requireCaller()
            try Access.check(caller.user, may: .readOwners)
            let id: String = try context.parameters.require("ownerId")
            // Owner ids and user ids are the same numbers here, so `idProperty=userId` needs no lookup.
            let archived = request.uri.queryParameters.get("archived") == "true"
            let users = try await desk.people.users(includeArchived: true)
            guard let user = users.first(where: { $0.id == id && $0.archived == archived }) else {
                throw APIError.notFound("Owner \(id) does not exist.")
            }
            return try JSONBody.response(OwnerJSON(user, teams: try await desk.people.teams()))
        }
    }

    func list(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        try Access.check(caller.user, may: .readOwners)
        let query = request.uri.queryParameters
        let limit = try QueryNumber.read("limit", in: request, default: 100)
        guard (1...500).contains(limit) else { throw APIError.badRequest("limit must be between 1 and 500; \(limit) given.") }
        let after = try QueryNumber.read("after", in: request, default: 0)
        let archived = query.get("archived") == "true"
        var users = try await desk.people.users(includeArchived: true).filter { $0.archived == archived && (Int($0.id) ?? 0) > after }
        if let email = query.get("email") {
            users = users.filter { $0.email == email.lowercased() }
        }
        let teams = try await desk.people.teams()
        let page = Array(users.prefix(limit))
        return try JSONBody.response(OwnerPageJSON(
            results: page.map { OwnerJSON($0, teams: teams) },
            paging: users.count > limit ? .init(next: .init(after: page.last!.id)) : nil))
    }

    struct OwnerPageJSON: Encodable {
        var results: [OwnerJSON]
        var paging: RecordPageJSON.Paging?
    }
}
