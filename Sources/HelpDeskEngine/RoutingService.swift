import Foundation
import HelpDeskCore
import HelpDeskStore

/// Routing's settings and its record (A3-A9): each channel's rule, agents' availability, working
/// hours, skills and capacity, and why each routed ticket went where it did.
public struct RoutingService: Sendable {
    let desk: HelpDesk

    /// A channel's rule; nobody when none was set.
    public func rule(channelID: String, by caller: Caller) async throws -> RoutingRule {
        try await desk.channels.get(id: channelID, by: caller).settings.routing ?? .nobody
    }

    /// Sets the rule of a channel's new tickets, after checking the users, teams and properties it names.
    public func setRule(_ rule: RoutingRule, channelID: String, by caller: Caller) async throws -> RoutingRule {
        try caller.check(.configureChannels)
        var channel = try await desk.channels.get(id: channelID, by: caller)
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let checked: RoutingRule
        do {
            let (users, teams) = try await desk.database.read { session in (try await session.users(), try await session.teams()) }
            checked = try rule.validated(users: users, teams: teams, tickets: tickets)
        } catch let error as RoutingSetupError {
            throw HelpDeskError.badRequest(error.description)
        }
        channel.settings.routing = checked
        let changed = channel
        try await desk.configure(.channels, by: caller, item: { _ in changed.id }) { try await $0.updateChannel(changed) }
        return checked
    }

    /// A user's routing profile: their own, or anyone's for those who manage users.
    public func profile(userID: String, by caller: Caller) async throws -> RoutingProfile {
        if userID != caller.user.id { try caller.check(.manageUsers) }
        return try await desk.database.read { session in
            guard let id = Int64(userID), try await session.user(id: id) != nil else { throw HelpDeskError.notFound("User \(userID) does not exist.") }
            return try await session.routingProfiles(userIDs: [userID])[userID] ?? RoutingProfile()
        }
    }

    /// Sets a user's working hours, skills and capacity (admins), keeping their status.
    public func setProfile(_ profile: RoutingProfile, userID: String, by caller: Caller) async throws -> RoutingProfile {
        try caller.check(.manageUsers)
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let checked: RoutingProfile
        do {
            checked = try profile.validated(tickets: tickets)
        } catch {
            throw HelpDeskError.badRequest(error.description)
        }
        if let zone = checked.workingHours?.timeZone, TimeZone(identifier: zone) == nil {
            throw HelpDeskError.badRequest(OpeningHoursError.unknownTimeZone(zone).description)
        }
        let now = desk.clock()
        return try await desk.configure(.routing, by: caller, item: { _ in userID }) { session in
            guard let id = Int64(userID), try await session.user(id: id) != nil else { throw HelpDeskError.notFound("User \(userID) does not exist.") }
            var kept = checked
            kept.status = try await session.routingProfiles(userIDs: [userID])[userID]?.status ?? .available
            try await session.saveRoutingProfile(kept, userID: userID, now: now)
            return kept
        }
    }

    /// The caller's own switch: available or away (A6), for those who work tickets.
    public func setStatus(_ status: RoutingProfile.Status, by caller: Caller) async throws -> RoutingProfile {
        try caller.check(.workConversations)
        let userID = caller.user.id
        guard Int64(userID) != nil else { throw HelpDeskError.badRequest("Only a user's own account has an availability.") }
        let now = desk.clock()
        return try await desk.configure(.routing, by: caller, item: { _ in userID }) { session in
            var profile = try await session.routingProfiles(userIDs: [userID])[userID] ?? RoutingProfile()
            profile.status = status
            try await session.saveRoutingProfile(profile, userID: userID, now: now)
            return profile
        }
    }

    /// Why a ticket went where it did: the decision of its channel's rule, told in a sentence too.
    public struct Explanation: Sendable {
        public var decision: RoutingDecision
        public var channelID: String
        public var decidedAt: Timestamp
        public var sentence: String
    }

    /// The routing decision of a ticket the caller may see; `nil` when no rule decided it.
    public func explanation(ticketID: String, by caller: Caller) async throws -> Explanation? {
        guard try await !desk.records.read(type: ObjectType.tickets.name, ids: [ticketID], options: ReadOptions(properties: []),
                                           by: caller).isEmpty else {
            throw HelpDeskError.notFound("Ticket \(ticketID) does not exist.")
        }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return try await desk.database.read { session in
            guard let found = try await session.routingDecision(ticketID: ticketID) else { return nil }
            let decision = found.decision
            let ids = decision.candidates.map(\.userID) + [decision.ownerID, decision.contactOwnerID].compactMap { $0 }
            let users = Dictionary(try await session.users(ids: ids).map { ($0.id, $0) }) { first, _ in first }
            let teams = Dictionary(try await session.teams().map { ($0.id, $0.name) }) { first, _ in first }
            let names = RoutingDecision.Names(
                user: { id in users[id].map { $0.displayName ?? $0.email } ?? "user \(id)" },
                team: { id in teams[id] ?? "team \(id)" },
                skill: { skill in Self.title(of: skill, tickets: tickets) })
            return Explanation(decision: decision, channelID: found.channelID, decidedAt: found.decidedAt, sentence: decision.sentence(names))
        }
    }

    /// A skill as agents read it: "Language: French".
    static func title(of skill: Skill, tickets: RecordSchema) -> String {
        guard let property = tickets.properties[skill.property] else { return skill.description }
        let value = property.options.first { $0.value == skill.value }?.label ?? skill.value
        return "\(property.label): \(value)"
    }
}
