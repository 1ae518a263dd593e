import HelpDeskCore
import HelpDeskStore

/// Applies a channel's routing rule to a ticket about to be created, inside the transaction that
/// creates it (A3): the ticket is stored with its owner, never shown unassigned first. Reads the
/// agents the rule names, their profiles and, for those who could take it, their loads; keeps
/// the rotation of round robin and the decision.
package struct TicketRouting {
    let tickets: RecordSchema
    let roster: RoutingRoster
    let now: Timestamp

    init(tickets: RecordSchema, roster: RoutingRoster, now: Timestamp) {
        self.tickets = tickets
        self.roster = roster
        self.now = now
    }

    /// For the benchmark: routing as intake does it on this help desk.
    package init(desk: HelpDesk, tickets: RecordSchema, now: Timestamp) {
        self.init(tickets: tickets, roster: desk.routingRoster, now: now)
    }

    /// A5: a ticket counts toward its owner's load for 30 days after the day they got it (UTC
    /// days: the counts the store keeps are per day).
    static let loadWindowDays: Int64 = 30

    /// The decision for a new ticket with these properties on this channel.
    package func decide(_ rule: RoutingRule, ticket: [String: String], channelID: String, contactOwnerID: String?,
                session: StoreSession) async throws -> RoutingDecision {
        let roster = try await roster.snapshot(session: session)
        var agents: [String: RoutingDecision.Agent] = [:]
        if rule.assignment != .nobody && rule.assignment != .teamOnly {
            agents = self.agents(named: rule, contactOwnerID: contactOwnerID, roster: roster)
            try await countLoads(of: &agents, rule: rule, ticket: ticket, locking: true, session: session)
        }
        let last = rule.distribution == .roundRobin && rule.assignment != .nobody && rule.assignment != .teamOnly
            ? try await session.lockedRotation(channelID: channelID) : nil
        var generator = SystemRandomNumberGenerator()
        return RoutingDecision.decide(rule: rule, ticket: ticket, contactOwnerID: contactOwnerID, agents: agents, teams: roster.teams,
                                      lastInRotation: last, using: &generator)
    }

    /// Gives a new ticket's properties the owner and team the channel's rule decides, if it has
    /// one; `contactID` is the ticket's contact, whose owner a contact-owner rule prefers. The
    /// decision is kept with `record` once the ticket exists.
    func route(_ properties: inout [String: String], on channel: Channel, contactID: String?,
               session: StoreSession) async throws -> RoutingDecision? {
        guard let rule = channel.settings.routing else { return nil }
        let owner = try await contactOwner(rule, contactID: contactID, session: session)
        let decision = try await decide(rule, ticket: properties, channelID: channel.id, contactOwnerID: owner, session: session)
        if let owner = decision.ownerID { properties[Record.ownerProperty] = owner }
        if let team = decision.teamID { properties[Record.teamProperty] = team }
        return decision
    }

    /// The owner of a ticket's contact, when the rule prefers it.
    func contactOwner(_ rule: RoutingRule, contactID: String?, session: StoreSession) async throws -> String? {
        guard rule.assignment == .contactOwner, let contact = contactID.flatMap({ Int64($0) }) else { return nil }
        return try await session.records(type: .contacts, ids: [contact]).first?.properties[Record.ownerProperty]
    }

    /// Gives an existing ticket the owner (none when the decision has none) and team a decision
    /// names, with the change's events, and keeps the decision.
    func give(_ ticket: Record, _ decision: RoutingDecision, channelID: String, session: StoreSession) async throws {
        var change = [Record.ownerProperty: decision.ownerID ?? ""]
        if let team = decision.teamID { change[Record.teamProperty] = team }
        let write: RecordWrite
        do {
            write = try RecordWrite.update(ticket.properties, with: change, schema: tickets, now: now)
        } catch {
            throw HelpDeskError.invalidInput(error)
        }
        try await RecordService.apply([(ticket, write)], schema: tickets, actor: Caller.systemUserID, source: "ROUTING", now: now,
                                      session: session)
        try await record(decision, ticketID: ticket.id, channelID: channelID, session: session)
    }

    /// A8: the numbers a call on this channel rings, in order (see `RoutingDecision.ringOrder`):
    /// those of the agents the rule would give it to.
    func numbersToRing(_ rule: RoutingRule, channelID: String, session: StoreSession) async throws -> [String] {
        guard rule.assignment == .usersAndTeams || rule.assignment == .contactOwner else { return [] }
        let roster = try await roster.snapshot(session: session)
        var agents = self.agents(named: rule, contactOwnerID: nil, roster: roster)
        try await countLoads(of: &agents, rule: rule, ticket: ["source_type": Channel.Kind.call.ticketSource], locking: false,
                             session: session)
        let last = rule.distribution == .roundRobin ? try await session.rotation(channelID: channelID) : nil
        var generator = SystemRandomNumberGenerator()
        return RoutingDecision.ringOrder(rule: rule, agents: agents, teams: roster.teams, lastInRotation: last, using: &generator)
            .compactMap { roster.profiles[$0]?.phone }
    }

    /// The agents a rule names, directly, through its teams or as the contact's owner, as they are now.
    private func agents(named rule: RoutingRule, contactOwnerID: String?, roster: RoutingRoster.Snapshot) -> [String: RoutingDecision.Agent] {
        var named = rule.userIDs
        for id in rule.teamIDs { named += roster.teams.first { $0.id == id }?.memberIDs ?? [] }
        if rule.assignment == .contactOwner, let owner = contactOwnerID { named.append(owner) }
        var agents: [String: RoutingDecision.Agent] = [:]
        agents.reserveCapacity(named.count)
        for id in named {
            if let agent = roster.agent(id, at: now) { agents[id] = agent }
        }
        return agents
    }

    /// Loads are counted only for agents who pass every other check, and only when the
    /// distribution or a capacity compares them: counting is the costly part. `locking` when a
    /// ticket is to be given on what is counted.
    private func countLoads(of agents: inout [String: RoutingDecision.Agent], rule: RoutingRule, ticket: [String: String],
                            locking: Bool, session: StoreSession) async throws {
        let workType = WorkType(source: ticket["source_type"])
        let limited = agents.values.contains { $0.profile.capacity[workType] != nil }
        guard rule.distribution == .loadBalanced || limited else { return }
        let required = Skill.required(by: ticket, skillProperties: rule.skillProperties)
        let counted = agents.values.filter {
            $0.candidate(workType: workType, required: required, availableOnly: rule.availableOnly).excluded == nil
        }.map(\.user.id)
        // A capacity is a limit: held to the commit, as round robin's place is, so that two servers
        // never both give away an agent's last free slot. Without one, load balancing stays a
        // balance that servers keep in parallel, since the lock makes routed tickets wait in turn.
        if locking && limited { try await session.lock("routing-capacity") }
        let today = now.millisecondsSince1970 / (24 * 60 * 60 * 1000)
        let loads = try await session.routingLoads(userIDs: counted, workType: workType, firstDay: today - Self.loadWindowDays)
        Self.set(loads, of: counted, in: &agents)
    }

    /// Written in place, through the dictionary's values: an agent is a large value, and copying
    /// each three times over a thousand agents showed in profiles of a decision.
    private static func set(_ loads: [String: StoreSession.AgentLoad], of ids: [String], in agents: inout [String: RoutingDecision.Agent]) {
        for id in ids {
            guard let index = agents.index(forKey: id) else { continue }
            let load = loads[id]
            agents.values[index].load = load?.recent ?? 0
            agents.values[index].openTickets = load?.open ?? 0
            agents.values[index].latestAssignment = load?.latest
        }
    }

    /// Keeps what the decision leaves behind once the ticket exists: the decision itself, and
    /// the rotation's new place.
    func record(_ decision: RoutingDecision, ticketID: String, channelID: String, session: StoreSession) async throws {
        try await session.saveRoutingDecision(decision, ticketID: ticketID, channelID: channelID, at: now)
        if decision.distribution == .roundRobin, let owner = decision.ownerID {
            try await session.advanceRotation(channelID: channelID, to: owner, now: now)
        }
    }
}
