import HelpDeskCore
import SQLKit

/// Storage of users, teams and API tokens.
extension StoreSession {
    static let userColumns: SQLQueryString = """
        id, email, first_name, last_name, roles, service_seat, ticket_scope, time_zone, archived, created_at, updated_at
        """

    package func users(includeArchived: Bool = true) async throws -> [User] {
        let rows = try await sql.raw("SELECT \(Self.userColumns) FROM users ORDER BY id").all()
        let memberships = try await teamMemberships()
        return try rows.map { try Self.user($0, teams: memberships) }.filter { includeArchived || !$0.archived }
    }

    /// The users with these ids, deactivated ones too.
    package func users(ids: [String]) async throws -> [User] {
        let numeric = ids.compactMap { Int64($0) }
        guard !numeric.isEmpty else { return [] }
        let rows = try await sql.raw("SELECT \(Self.userColumns) FROM users WHERE id IN (\(binds: numeric)) ORDER BY id").all()
        let memberships = try await teamMemberships()
        return try rows.map { try Self.user($0, teams: memberships) }
    }

    package func user(id: Int64) async throws -> User? {
        guard let row = try await sql.raw("SELECT \(Self.userColumns) FROM users WHERE id = \(bind: id)").first() else {
            return nil
        }
        return try Self.user(row, teams: try await teamMemberships(userID: id))
    }

    package func user(email: String) async throws -> User? {
        guard let row = try await sql.raw("SELECT \(Self.userColumns) FROM users WHERE email = \(bind: email.lowercased())").first() else {
            return nil
        }
        let id = try row.decode(column: "id", as: Int64.self)
        return try Self.user(row, teams: try await teamMemberships(userID: id))
    }

    /// Inserts a user (the id in `user` is ignored) and returns the new id.
    package func insertUser(_ user: User, passwordHash: String?) async throws -> Int64 {
        let row = try await sql.raw("""
            INSERT INTO users (email, first_name, last_name, password_hash, roles, service_seat, ticket_scope,
                               time_zone, archived, created_at, updated_at)
            VALUES (\(bind: user.email.lowercased()), \(bind: user.firstName), \(bind: user.lastName), \(bind: passwordHash),
                    \(bind: user.roles.rawValue), \(bind: user.serviceSeat ? 1 : 0), \(bind: user.ticketScope.rawValue),
                    \(bind: user.timeZone), 0, \(bind: user.createdAt.millisecondsSince1970),
                    \(bind: user.updatedAt.millisecondsSince1970))
            RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else {
            throw StoreError.corruptRow(table: "users", detail: "insert returned no id")
        }
        return id
    }

    package func updateUser(_ user: User) async throws {
        try await sql.raw("""
            UPDATE users SET first_name = \(bind: user.firstName), last_name = \(bind: user.lastName),
                roles = \(bind: user.roles.rawValue), service_seat = \(bind: user.serviceSeat ? 1 : 0),
                ticket_scope = \(bind: user.ticketScope.rawValue), time_zone = \(bind: user.timeZone),
                archived = \(bind: user.archived ? 1 : 0), updated_at = \(bind: user.updatedAt.millisecondsSince1970)
            WHERE id = \(bind: StoreError.rowID(user.id, of: "users"))
            """).run()
    }

    package func teams() async throws -> [Team] {
        let rows = try await sql.raw("SELECT id, name, default_channel_id, created_at, updated_at FROM teams ORDER BY id").all()
        let members = try await sql.raw("SELECT team_id, user_id FROM team_members ORDER BY user_id").all()
        var byTeam: [Int64: [String]] = [:]
        for row in members {
            byTeam[try row.decode(column: "team_id", as: Int64.self), default: []]
                .append(String(try row.decode(column: "user_id", as: Int64.self)))
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int64.self)
            return Team(id: String(id), name: try row.decode(column: "name", as: String.self), memberIDs: byTeam[id] ?? [],
                        defaultChannelID: try row.decode(column: "default_channel_id", as: String?.self),
                        createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                        updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
        }
    }

    /// Sets the address a team sends from by default (R2); `nil` clears it.
    package func setDefaultChannel(teamID: String, channelID: String?, now: Timestamp) async throws -> Bool {
        let team = try StoreError.rowID(teamID, of: "teams")
        return try await !sql.raw("""
            UPDATE teams SET default_channel_id = \(bind: channelID), updated_at = \(bind: now.millisecondsSince1970)
            WHERE id = \(bind: team) RETURNING id
            """).all().isEmpty
    }

    package func insertTeam(name: String, memberIDs: [Int64], now: Timestamp) async throws -> Int64 {
        let row = try await sql.raw("""
            INSERT INTO teams (name, created_at, updated_at)
            VALUES (\(bind: name), \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970)) RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else {
            throw StoreError.corruptRow(table: "teams", detail: "insert returned no id")
        }
        for member in memberIDs {
            try await sql.raw("INSERT INTO team_members (team_id, user_id) VALUES (\(bind: id), \(bind: member))").run()
        }
        return id
    }

    /// Each user's teams, the primary one first.
    func teamMemberships(userID: Int64? = nil) async throws -> [Int64: (teams: [String], primary: String?)] {
        let filter: SQLQueryString = userID.map { "WHERE user_id = \(bind: $0)" } ?? ""
        let rows = try await sql.raw("SELECT team_id, user_id, is_primary FROM team_members \(filter) ORDER BY is_primary DESC, team_id").all()
        var result: [Int64: (teams: [String], primary: String?)] = [:]
        for row in rows {
            let user = try row.decode(column: "user_id", as: Int64.self), team = String(try row.decode(column: "team_id", as: Int64.self))
            result[user, default: ([], nil)].teams.append(team)
            if try row.decode(column: "is_primary", as: Int64.self) != 0 { result[user]?.primary = team }
        }
        return result
    }

    /// Puts a user in these teams and no others.
    package func setTeams(userID: Int64, primary: Int64?, others: [Int64]) async throws {
        try await sql.raw("DELETE FROM team_members WHERE user_id = \(bind: userID)").run()
        var seen: Set<Int64> = []
        for team in [primary].compactMap({ $0 }) + others where seen.insert(team).inserted {
            try await sql.raw("""
                INSERT INTO team_members (team_id, user_id, is_primary) VALUES (\(bind: team), \(bind: userID), \(bind: team == primary ? 1 : 0))
                """).run()
        }
    }

    /// Revokes every API token of a user; returns how many there were.
    @discardableResult
    package func deleteTokens(userID: Int64) async throws -> Int {
        try await sql.raw("DELETE FROM api_tokens WHERE user_id = \(bind: userID) RETURNING token_hash").all().count
    }

    static func user(_ row: any SQLRow, teams: [Int64: (teams: [String], primary: String?)]) throws -> User {
        let id = try row.decode(column: "id", as: Int64.self)
        return User(
            id: String(id),
            email: try row.decode(column: "email", as: String.self),
            firstName: try row.decode(column: "first_name", as: String.self),
            lastName: try row.decode(column: "last_name", as: String.self),
            roles: Roles(rawValue: try row.decode(column: "roles", as: Int.self)),
            serviceSeat: try row.decode(column: "service_seat", as: Int64.self) != 0,
            ticketScope: TicketScope(rawValue: try row.decode(column: "ticket_scope", as: String.self)) ?? .own,
            timeZone: try row.decode(column: "time_zone", as: String.self),
            teamIDs: teams[id]?.teams ?? [],
            primaryTeamID: teams[id]?.primary,
            archived: try row.decode(column: "archived", as: Int64.self) != 0,
            createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
    }

    package func insertToken(userID: Int64, hash: String, label: String, now: Timestamp) async throws {
        try await sql.raw("""
            INSERT INTO api_tokens (user_id, token_hash, label, created_at)
            VALUES (\(bind: userID), \(bind: hash), \(bind: label), \(bind: now.millisecondsSince1970))
            """).run()
    }

    /// The id of the user a token (by its hash) belongs to.
    package func tokenOwner(hash: String) async throws -> Int64? {
        try await sql.raw("SELECT user_id FROM api_tokens WHERE token_hash = \(bind: hash)").first()?
            .decode(column: "user_id", as: Int64.self)
    }
}
