import Crypto
import Foundation
import HelpDeskCore
import HelpDeskStore
import HummingbirdBcrypt
import NIOConcurrencyHelpers

/// What an admin gives to create a user.
public struct UserDraft: Sendable {
    public var email: String
    public var firstName: String
    public var lastName: String
    public var roles: Roles
    public var serviceSeat: Bool
    public var ticketScope: TicketScope
    public var timeZone: String
    public var password: String?

    public init(email: String, firstName: String = "", lastName: String = "", roles: Roles = [.helpDeskAccess],
                serviceSeat: Bool = false, ticketScope: TicketScope = .all, timeZone: String = "UTC", password: String? = nil) {
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.roles = roles
        self.serviceSeat = serviceSeat
        self.ticketScope = ticketScope
        self.timeZone = timeZone
        self.password = password
    }
}

/// Users, teams and API tokens.
public struct PeopleService: Sendable {
    let desk: HelpDesk
    /// Who the feed says changed people: users and teams are managed from the command line.
    static let administrator = Caller.system(source: "CLI")

    /// Creates a user. Refuses an email already in use.
    public func createUser(_ draft: UserDraft) async throws -> User {
        let email = draft.email.trimmingCharacters(in: .whitespaces).lowercased()
        try Self.checkEmail(email)
        if let password = draft.password, password.count < 8 {
            throw HelpDeskError.badRequest("A password needs at least 8 characters.")
        }
        guard TimeZone(identifier: draft.timeZone) != nil else {
            throw HelpDeskError.badRequest("Unknown time zone \"\(draft.timeZone)\"; use an IANA name such as Europe/Paris.")
        }
        let hash = draft.password.map { Bcrypt.hash($0, cost: 10) }
        let now = desk.clock()
        let user = User(id: "", email: email, firstName: draft.firstName, lastName: draft.lastName, roles: draft.roles,
                        serviceSeat: draft.serviceSeat, ticketScope: draft.ticketScope, timeZone: draft.timeZone,
                        createdAt: now, updatedAt: now)
        return try await desk.configure(.users, by: Self.administrator, item: \.id) { session in
            if try await session.user(email: email) != nil {
                throw HelpDeskError.conflict("A user with email \(email) already exists.")
            }
            let id = try await session.insertUser(user, passwordHash: hash)
            var created = user
            created.id = String(id)
            return created
        }
    }

    /// Saves changes to a user's names, roles, seat, scope, time zone or deactivation.
    public func updateUser(_ user: User) async throws -> User {
        var changed = user
        changed.updatedAt = desk.clock()
        let saved = changed
        try await desk.configure(.users, by: Self.administrator, item: { _ in saved.id }) { session in
            try await session.updateUser(saved)
        }
        return saved
    }

    public func user(email: String) async throws -> User? {
        try await desk.database.read { session in try await session.user(email: email) }
    }

    public func users(includeArchived: Bool = false) async throws -> [User] {
        try await desk.database.read { session in try await session.users(includeArchived: includeArchived) }
    }

    public func teams() async throws -> [Team] {
        try await desk.database.read { session in try await session.teams() }
    }

    /// Creates a team with the given members (by email).
    public func createTeam(name: String, memberEmails: [String]) async throws -> Team {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw HelpDeskError.badRequest("A team needs a name.") }
        let now = desk.clock()
        return try await desk.configure(.teams, by: Self.administrator, item: \.id) { session in
            if try await session.teams().contains(where: { $0.name.lowercased() == trimmed.lowercased() }) {
                throw HelpDeskError.conflict("A team named \"\(trimmed)\" already exists.")
            }
            var members: [Int64] = []
            for email in memberEmails {
                guard let user = try await session.user(email: email), let id = Int64(user.id) else {
                    throw HelpDeskError.notFound("No user has email \(email); create the user first.")
                }
                members.append(id)
            }
            let id = try await session.insertTeam(name: trimmed, memberIDs: members, now: now)
            return Team(id: String(id), name: trimmed, memberIDs: members.map(String.init), createdAt: now, updatedAt: now)
        }
    }

    /// Issues a new API token for a user. Only its hash is stored: the token is shown once.
    public func issueToken(for user: User, label: String) async throws -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let token = "hd_" + Hex.encode(bytes)
        let hash = Self.hash(token)
        let now = desk.clock()
        guard let id = Int64(user.id) else { throw HelpDeskError.notFound("User \(user.id) does not exist.") }
        try await desk.configure(.tokens, by: Self.administrator, item: { _ in user.id }) { session in
            try await session.insertToken(userID: id, hash: hash, label: label, now: now)
        }
        return token
    }

    /// The user a bearer token belongs to.
    public func authenticate(token: String) async throws -> User {
        let hash = Self.hash(token)
        if let cached = desk.tokenCache.user(for: hash) { return cached }
        let user = try await desk.database.read { session -> User? in
            guard let id = try await session.tokenOwner(hash: hash) else { return nil }
            return try await session.user(id: id)
        }
        guard let user else {
            throw HelpDeskError.unauthenticated("The access token is not valid. Create one with `helpdesk token create`.")
        }
        guard !user.archived else { throw HelpDeskError.unauthenticated("The user of this token is deactivated.") }
        desk.tokenCache.store(user, for: hash)
        return user
    }

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }

    static func checkEmail(_ email: String) throws {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" "), email.count <= 254 else {
            throw HelpDeskError.badRequest("\"\(email)\" is not an email address.")
        }
    }
}

/// Tokens seen, so that each API request does not cost a database read. Any change to users,
/// teams or tokens clears it: here at once, on other servers as the feed reaches them, so a
/// deactivated user's token stops working everywhere within moments.
final class TokenCache: Sendable {
    private let entries = NIOLockedValueBox<[String: User]>([:])

    func user(for hash: String) -> User? {
        entries.withLockedValue { $0[hash] }
    }

    func store(_ user: User, for hash: String) {
        entries.withLockedValue { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[hash] = user
        }
    }

    func clear() {
        entries.withLockedValue { $0.removeAll() }
    }
}
