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
        _ = try await desk.channels.get(id: channelID, by: caller)
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let checked: RoutingRule
        do {
            let (users, teams) = try await desk.database.read { session in (try await session.users(), try await session.teams()) }
            checked = try rule.validated(users: users, teams: teams, tickets: tickets)
        } catch let error as RoutingSetupError {
            throw HelpDeskError.badRequest(error.description)
        }
        _ = try await desk.configure(.channels, by: caller, item: { _ in channelID }) { session in
            try await ChannelService.save(channelID, session: session) { $0.settings.routing = checked }
        }
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
            // The agent's own switch writes the same row: whichever comes second reads the first's.
            try await session.lock("agent-routing:\(userID)")
            var kept = checked
            kept.status = try await session.routingProfiles(userIDs: [userID])[userID]?.status ?? .available
            try await session.saveRoutingProfile(kept, userID: userID, now: now)
            return kept
        }
    }

    /// A6: the help desk's office hours and each team's own, for those who work tickets or manage users.
    public func officeHours(by caller: Caller) async throws -> (helpDesk: OfficeHours?, teams: [String: OfficeHours]) {
        if !Access.allows(caller.user, .manageUsers) { try caller.check(.workConversations) }
        return try await desk.database.read { try await $0.officeHours() }
    }

    /// Sets the office hours of a team, or of the help desk without one; `nil` removes them (a
    /// team's then follow the help desk's).
    public func setOfficeHours(_ hours: OfficeHours?, teamID: String?, by caller: Caller) async throws {
        try caller.check(.manageUsers)
        if let zone = hours?.hours.timeZone, TimeZone(identifier: zone) == nil {
            throw HelpDeskError.badRequest(OpeningHoursError.unknownTimeZone(zone).description)
        }
        let now = desk.clock()
        _ = try await desk.configure(.routing, by: caller, item: { _ in teamID ?? "office-hours" }) { session in
            if let teamID, try await !session.teams().contains(where: { $0.id == teamID }) {
                throw HelpDeskError.notFound("Team \(teamID) does not exist.")
            }
            try await session.saveOfficeHours(hours, teamID: teamID, now: now)
            return true
        }
    }

    /// The caller's own switch: available or away (A6), for those who work tickets.
    public func setStatus(_ status: RoutingProfile.Status, by caller: Caller) async throws -> RoutingProfile {
        try caller.check(.workConversations)
        let userID = caller.user.id
        guard Int64(userID) != nil else { throw HelpDeskError.badRequest("Only a user's own account has an availability.") }
        let now = desk.clock()
        return try await desk.configure(.routing, by: caller, item: { _ in userID }) { session in
            try await session.lock("agent-routing:\(userID)")
            var profile = try await session.routingProfiles(userIDs: [userID])[userID] ?? RoutingProfile()
            profile.status = status
            try await session.saveRoutingProfile(profile, userID: userID, now: now)
            return profile
        }
    }

    /// Gives out the tickets routing left waiting, oldest first, to agents who can take them now
    /// (back from away, at work, with room under their capacity); returns how many went out.
    /// Each ticket is its own transaction and is checked again under its lock, so servers doing
    /// this at once give each ticket once. Once a ticket finds nobody, the others that wait for the
    /// same (channel, work type, skills) are passed over until the next pass, so a backlog that
    /// nobody can take yet costs one try per kind, and never holds back the tickets behind it.
    public func assignWaiting() async throws -> Int {
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        var assigned = 0
        var nobodyFor = Set<String>()
        var after: StoreSession.WaitingTicket?
        while true {
            let page = try await desk.database.read { [after] in try await $0.waitingTickets(after: after, limit: Self.backlogPage) }
            for waiting in page where !nobodyFor.contains(waiting.waitingFor) {
                do {
                    switch try await assign(waiting: waiting.ticketID, channelID: waiting.channelID, tickets: tickets) {
                    case .given: assigned += 1
                    case .noLongerWaiting: break
                    case .stillWaiting: nobodyFor.insert(waiting.waitingFor)
                    }
                } catch {
                    // One ticket that cannot be handled now must not stop the others behind it.
                    desk.logger.error("Could not give out waiting ticket \(waiting.ticketID): \(error)")
                }
            }
            guard page.count == Self.backlogPage, let last = page.last else { return assigned }
            after = last
        }
    }

    /// Waiting tickets read at a time.
    static let backlogPage = 500

    /// What became of one waiting ticket in a pass.
    private enum Backlog {
        case given
        case stillWaiting
        /// Taken by someone, closed, or its channel no longer routes: it leaves the backlog.
        case noLongerWaiting
    }

    private func assign(waiting ticketID: String, channelID: String, tickets: RecordSchema) async throws -> Backlog {
        let now = desk.clock()
        let routing = TicketRouting(tickets: tickets, roster: desk.routingRoster, now: now)
        return try await desk.database.write { session in
            let id = try StoreError.rowID(ticketID, of: "records")
            try await session.lockRecords(ids: [id])
            let stages = tickets.pipelines.flatMap(\.stages)
            guard let ticket = try await session.records(type: .tickets, ids: [id]).first, !ticket.archived,
                  ticket.properties[Record.ownerProperty] == nil,
                  stages.first(where: { $0.id == ticket.properties["hs_pipeline_stage"] }).map({ !$0.isClosed }) ?? false,
                  let channel = try await session.channel(id: channelID), !channel.archived,
                  let rule = channel.settings.routing, rule.assignment == .usersAndTeams || rule.assignment == .contactOwner else {
                try await session.stopWaiting(ticketID: ticketID)
                return .noLongerWaiting
            }
            let contact = rule.assignment == .contactOwner ? try await session.conversations(ticketID: ticketID, limit: 1).first?.contactID : nil
            let contactOwner = try await routing.contactOwner(rule, contactID: contact, session: session)
            let decision = try await routing.decide(rule, ticket: ticket.properties, channelID: channelID, contactOwnerID: contactOwner,
                                                    session: session)
            guard let owner = decision.ownerID else {
                guard decision.isWaiting else {
                    // Nobody the rule names could ever take it as things stand (no seat, no skill):
                    // it leaves the backlog, with the decision that says why.
                    try await routing.record(decision, ticketID: ticketID, channelID: channelID, session: session)
                    return .noLongerWaiting
                }
                return .stillWaiting
            }
            try await routing.give(ticket, decision, channelID: channelID, session: session)
            return .given
        }
    }

    /// A ticket reopened: when its channel's rule says so and its owner could not take a ticket now,
    /// it is routed again, to someone who can or to nobody (it then waits). Returns whether its
    /// owner changed.
    public func rerouteReopened(ticketID: String) async throws -> Bool {
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        let now = desk.clock()
        let routing = TicketRouting(tickets: tickets, roster: desk.routingRoster, now: now)
        return try await desk.database.write { session in
            let id = try StoreError.rowID(ticketID, of: "records")
            try await session.lockRecords(ids: [id])
            guard let ticket = try await session.records(type: .tickets, ids: [id]).first, !ticket.archived,
                  let owner = ticket.properties[Record.ownerProperty],
                  let conversation = try await session.conversations(ticketID: ticketID, limit: 1).first,
                  let channel = try await session.channel(id: conversation.channelID), let rule = channel.settings.routing, rule.rerouteReopened
            else { return false }
            let roster = try await desk.routingRoster.snapshot(session: session)
            if let agent = roster.agent(owner, at: now) {
                guard agent.candidate(workType: WorkType(source: ticket.properties["source_type"]), required: [],
                                      availableOnly: rule.availableOnly).excluded != nil
                else { return false }
            }
            let contactOwner = try await routing.contactOwner(rule, contactID: conversation.contactID, session: session)
            let decision = try await routing.decide(rule, ticket: ticket.properties, channelID: channel.id, contactOwnerID: contactOwner,
                                                    session: session)
            try await routing.give(ticket, decision, channelID: channel.id, session: session)
            return decision.ownerID != owner
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
