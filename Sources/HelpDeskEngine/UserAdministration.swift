import Foundation
import HelpDeskCore
import HelpDeskMail
import HelpDeskStore

/// Someone to add to the help desk, as an admin invites them.
public struct Invitation: Sendable {
    public var email: String
    public var firstName: String
    public var lastName: String
    public var roles: Roles
    public var primaryTeamID: String?
    /// Other teams, besides the primary one.
    public var teamIDs: [String]
    public var ticketScope: TicketScope
    public var serviceSeat: Bool
    /// Mail them a link to choose their password (from the first connected team address).
    public var sendWelcomeEmail: Bool

    public init(email: String, firstName: String = "", lastName: String = "", roles: Roles = [.helpDeskAccess],
                primaryTeamID: String? = nil, teamIDs: [String] = [], ticketScope: TicketScope = .all, serviceSeat: Bool = true,
                sendWelcomeEmail: Bool = true) {
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.roles = roles
        self.primaryTeamID = primaryTeamID
        self.teamIDs = teamIDs
        self.ticketScope = ticketScope
        self.serviceSeat = serviceSeat
        self.sendWelcomeEmail = sendWelcomeEmail
    }
}

/// Changes to a user; what is `nil` stays as it is.
public struct UserChange: Sendable {
    public var firstName: String?
    public var lastName: String?
    public var roles: Roles?
    /// The primary team, and the others; given together.
    public var teams: (primary: String?, others: [String])?
    public var ticketScope: TicketScope?
    public var serviceSeat: Bool?

    public init(firstName: String? = nil, lastName: String? = nil, roles: Roles? = nil, teams: (primary: String?, others: [String])? = nil,
                ticketScope: TicketScope? = nil, serviceSeat: Bool? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.roles = roles
        self.teams = teams
        self.ticketScope = ticketScope
        self.serviceSeat = serviceSeat
    }
}

/// Users and teams as admins manage them (over the API and in the workspace): invitations by
/// email with a one-time link, roles, scope, seat, teams with a primary one, deactivation. Needs
/// account access (or super admin); only a super admin grants super admin or changes one.
extension PeopleService {
    public func list(by caller: Caller) async throws -> [User] {
        try caller.check(.manageUsers)
        return try await users(includeArchived: false)
    }

    public func get(id: String, by caller: Caller) async throws -> User {
        try caller.check(.manageUsers)
        guard let row = Int64(id), let user = try await desk.database.read({ try await $0.user(id: row) }), !user.archived else {
            throw HelpDeskError.notFound("User \(id) does not exist.")
        }
        return user
    }

    public func teams(by caller: Caller) async throws -> [Team] {
        try caller.check(.manageUsers)
        return try await teams()
    }

    /// R2: the team email address a team's agents send from by default; `nil` clears it. Only for
    /// those who manage users.
    public func setDefaultFrom(teamID: String, channelID: String?, by caller: Caller) async throws -> Team {
        try caller.check(.manageUsers)
        guard Int64(teamID) != nil else { throw HelpDeskError.notFound("Team \(teamID) does not exist.") }
        if let channelID {
            let channel = try await desk.database.read { try await $0.channel(id: channelID) }
            guard let channel, channel.kind == .email, !channel.archived else {
                throw HelpDeskError.badRequest("Channel \(channelID) is not a connected team email address.")
            }
        }
        let now = desk.clock()
        return try await desk.configure(.teams, by: caller, item: \.id) { session in
            guard try await session.setDefaultChannel(teamID: teamID, channelID: channelID, now: now),
                  let team = try await session.teams().first(where: { $0.id == teamID }) else {
                throw HelpDeskError.notFound("Team \(teamID) does not exist.")
            }
            return team
        }
    }

    /// Adds a user who signs in once they have chosen a password with the link mailed to them.
    /// `linksAt` is the workspace's address, for the link. Without the welcome email, the link is
    /// returned, for the admin to hand over.
    public func invite(_ invitation: Invitation, linksAt base: String, by caller: Caller) async throws -> (user: User, link: String?) {
        try caller.check(.manageUsers)
        try Self.checkGrant(invitation.roles, by: caller)
        let email = invitation.email.trimmingCharacters(in: .whitespaces).lowercased()
        try Self.checkEmail(email)
        let first = invitation.firstName.trimmingCharacters(in: .whitespaces), last = invitation.lastName.trimmingCharacters(in: .whitespaces)
        guard first.count <= 100, last.count <= 100 else { throw HelpDeskError.badRequest("A name holds at most 100 characters.") }
        let now = desk.clock(), token = Accounts.newToken()
        let user = User(id: "", email: email, firstName: first, lastName: last, roles: invitation.roles, serviceSeat: invitation.serviceSeat,
                        ticketScope: invitation.ticketScope, createdAt: now, updatedAt: now)
        let link = "\(base.trimmingCharacters(in: CharacterSet(charactersIn: "/")))/invitation/\(token)"
        let created = try await desk.configure(.users, by: caller, item: \.id) { session in
            if try await session.user(email: email) != nil {
                throw HelpDeskError.conflict("A user with email \(email) already exists.")
            }
            var created = user
            let id = try await session.insertUser(user, passwordHash: nil)
            created.id = String(id)
            let (primary, others) = try await Self.teamRows(primary: invitation.primaryTeamID, others: invitation.teamIDs, session: session)
            try await session.setTeams(userID: id, primary: primary, others: others)
            created.primaryTeamID = primary.map(String.init)
            created.teamIDs = ([primary].compactMap { $0 } + others.filter { $0 != primary }).map(String.init)
            let expires = now.adding(milliseconds: OneTimeLink.Purpose.invitation.validity)
            try await session.insertLink(hash: Accounts.hash(token), OneTimeLink(purpose: .invitation, userID: created.id, expiresAt: expires),
                                         at: now)
            if invitation.sendWelcomeEmail {
                try await Self.mailInvitation(to: created, link: link, invitedBy: caller.user, now: now, session: session)
            }
            return created
        }
        return (created, invitation.sendWelcomeEmail ? nil : link)
    }

    public func change(id: String, _ change: UserChange, by caller: Caller) async throws -> User {
        try caller.check(.manageUsers)
        var user = try await get(id: id, by: caller)
        if user.roles.contains(.superAdmin) && !caller.user.roles.contains(.superAdmin) {
            throw HelpDeskError.forbidden(AccessDenied(reason: "Only a super admin changes a super admin."))
        }
        if let roles = change.roles {
            try Self.checkGrant(roles.subtracting(user.roles), by: caller)
            user.roles = roles
        }
        if let first = change.firstName { user.firstName = String(first.trimmingCharacters(in: .whitespaces).prefix(100)) }
        if let last = change.lastName { user.lastName = String(last.trimmingCharacters(in: .whitespaces).prefix(100)) }
        if let scope = change.ticketScope { user.ticketScope = scope }
        if let seat = change.serviceSeat { user.serviceSeat = seat }
        user.updatedAt = desk.clock()
        let changed = user
        let row = try StoreError.rowID(user.id, of: "users")
        return try await desk.configure(.users, by: caller, item: \.id) { session in
            var saved = changed
            try await session.updateUser(saved)
            if let teams = change.teams {
                let (primary, others) = try await Self.teamRows(primary: teams.primary, others: teams.others, session: session)
                try await session.setTeams(userID: row, primary: primary, others: others)
                saved.primaryTeamID = primary.map(String.init)
                saved.teamIDs = ([primary].compactMap { $0 } + others.filter { $0 != primary }).map(String.init)
            }
            return saved
        }
    }

    /// The user can no longer sign in: sessions end, API tokens are revoked; what they did stays.
    public func deactivate(id: String, by caller: Caller) async throws {
        var user = try await get(id: id, by: caller)
        guard user.id != caller.user.id else { throw HelpDeskError.badRequest("You cannot deactivate yourself; ask another admin.") }
        if user.roles.contains(.superAdmin) && !caller.user.roles.contains(.superAdmin) {
            throw HelpDeskError.forbidden(AccessDenied(reason: "Only a super admin deactivates a super admin."))
        }
        user.archived = true
        user.updatedAt = desk.clock()
        let deactivated = user
        let row = try StoreError.rowID(user.id, of: "users")
        _ = try await desk.configure(.users, by: caller, item: \.id) { session in
            try await session.updateUser(deactivated)
            try await session.deleteWebSessions(userID: row)
            try await session.deleteTokens(userID: row)
            try await session.deleteLinks(purpose: .invitation, userID: row)
            return deactivated
        }
    }

    /// Only a super admin hands out super admin: account access does not make its holder more.
    static func checkGrant(_ roles: Roles, by caller: Caller) throws {
        if roles.contains(.superAdmin) && !caller.user.roles.contains(.superAdmin) {
            throw HelpDeskError.forbidden(AccessDenied(reason: "Only a super admin makes someone a super admin."))
        }
    }

    static func teamRows(primary: String?, others: [String], session: StoreSession) async throws -> (Int64?, [Int64]) {
        let known = Set(try await session.teams().map(\.id))
        for id in [primary].compactMap({ $0 }) + others where !known.contains(id) {
            throw HelpDeskError.badRequest("Team \(id) does not exist.")
        }
        return (primary.flatMap { Int64($0) }, others.compactMap { Int64($0) })
    }

    static func mailInvitation(to user: User, link: String, invitedBy inviter: User, now: Timestamp, session: StoreSession) async throws {
        let inviterName = inviter.displayName ?? inviter.email
        try await mail(to: user, subject: "You are invited to the help desk", text: """
            Hello\(user.firstName.isEmpty ? "" : " \(user.firstName)"),

            \(inviterName) invites you to the help desk. Choose your password here to sign in:

            \(link)

            The link works once, for 7 days.
            """, now: now, session: session)
    }

    /// Mail from the help desk to one of its users, through the outbox, from the first connected
    /// team address.
    static func mail(to user: User, subject: String, text: String, now: Timestamp, session: StoreSession) async throws {
        guard let channel = try await session.channels(kind: .email).first(where: { !$0.archived }) else {
            throw HelpDeskError.conflict("""
                Connect a team email address first: the help desk mails its users from it. Or add the user with sendWelcomeEmail \
                false and give them a set-up link another way.
                """)
        }
        let domain = channel.address.split(separator: "@").last.map(String.init) ?? "localhost"
        let mail = OutgoingMail(from: MailAddress(name: channel.name == channel.address ? nil : channel.name, address: channel.address),
                                to: [MailAddress(name: user.displayName, address: user.email)], subject: subject, text: text,
                                messageID: OutgoingMail.newMessageID(domain: domain), date: now.millisecondsSince1970)
        try await session.enqueueMail(messageID: nil, sender: channel.address, recipients: [user.email], data: mail.rendered(), now: now)
    }
}
