/// Who a new ticket goes to under its channel's rule, and why (A3-A7, A9): every agent the rule
/// named, who was left out and for what, their loads, and the distribution that picked among
/// the rest. Kept with the ticket, so that anyone can read why it went where it did.
public struct RoutingDecision: Sendable, Hashable, Codable {
    /// Why an agent the rule names could not take the ticket.
    public enum Exclusion: String, Sendable, Hashable, Codable, CodingKeyRepresentable {
        case deactivated = "DEACTIVATED"
        case noHelpDeskAccess = "NO_HELP_DESK_ACCESS"
        case noSeat = "NO_SERVICE_SEAT"
        case away = "AWAY"
        case outsideWorkingHours = "OUTSIDE_WORKING_HOURS"
        case missingSkills = "MISSING_SKILLS"
        case atCapacity = "AT_CAPACITY"
    }

    /// An agent the rule names, as routing found them.
    public struct Candidate: Sendable, Hashable, Codable {
        public var userID: String
        /// Open tickets of the ticket's work type assigned to them in the last 30 days (A5); not
        /// counted for an agent left out for another reason.
        public var load: Int?
        public var excluded: Exclusion?
        /// With `missingSkills`: the ones they lack.
        public var missingSkills: [Skill]?
        /// With `atCapacity`: their limit for this work type.
        public var capacity: Int?
        /// With `atCapacity`: all their open tickets of the work type, whenever assigned.
        public var openTickets: Int?

        public init(userID: String, load: Int? = nil, excluded: Exclusion? = nil) {
            self.userID = userID
            self.load = load
            self.excluded = excluded
        }
    }

    /// An agent as routing sees them at the moment of the decision.
    public struct Agent: Sendable, Hashable {
        public var user: User
        public var profile: RoutingProfile
        /// Whether this moment is in their working hours, in their time zone (always without hours).
        public var withinWorkingHours: Bool
        /// See `Candidate.load`: `nil` until counted.
        public var load: Int?
        /// All their open tickets of the work type, whenever assigned: what a capacity limits.
        /// `nil` until counted (then `load` stands in).
        public var openTickets: Int?
        /// When the latest of their open tickets of the work type was assigned: among equal loads,
        /// the agent who waited longest goes first.
        public var latestAssignment: Timestamp?

        public init(user: User, profile: RoutingProfile, withinWorkingHours: Bool = true, load: Int? = nil, latestAssignment: Timestamp? = nil) {
            self.user = user
            self.profile = profile
            self.withinWorkingHours = withinWorkingHours
            self.load = load
            self.latestAssignment = latestAssignment
        }
    }

    public var ownerID: String?
    public var teamID: String?
    public var assignment: RoutingRule.Assignment
    /// The distribution that picked the owner; `nil` when none was needed.
    public var distribution: Distribution?
    public var workType: WorkType
    public var availableOnly: Bool
    public var requiredSkills: [Skill]
    /// With a contact-owner rule: the contact's owner, when it has one.
    public var contactOwnerID: String?
    /// The agents routing considered: every one when they are few; when a rule names hundreds, the
    /// owner, the next few by load and a few of those left out for each reason (see `named`).
    public var candidates: [Candidate]
    /// How many agents routing considered in all.
    public var named: Int
    /// How many of them were left out, by reason.
    public var leftOut: [Exclusion: Int]

    /// Whether the ticket waits for one of the rule's agents to come back or to have room: it went
    /// to nobody only because those who could take it are away, off or at capacity. Such tickets
    /// are given out, oldest first, as soon as one of them can take one.
    public var isWaiting: Bool {
        guard ownerID == nil, teamID == nil, assignment == .usersAndTeams || assignment == .contactOwner, named > 0 else { return false }
        return leftOut.keys.contains { [.away, .outsideWorkingHours, .atCapacity].contains($0) }
    }

    /// What a waiting ticket waits for: an agent of its rule free for its work type, with its skills.
    /// Tickets that wait for the same thing find nobody together, so one try tells for all.
    public var waitingFor: String {
        ([workType.rawValue] + requiredSkills.map(\.description).sorted()).joined(separator: " ")
    }

    /// Beyond this many, `candidates` keeps a sample: a decision is kept with every ticket.
    public static let candidatesKept = 20

    /// The decision for a ticket with these properties. `agents` holds at least every agent the
    /// rule names (directly, through a team, or as the contact's owner); `lastInRotation` is the
    /// agent the rule's round robin gave the previous ticket.
    public static func decide(
        rule: RoutingRule, ticket: [String: String], contactOwnerID: String?, agents: [String: Agent], teams: [Team],
        lastInRotation: String?, using generator: inout some RandomNumberGenerator
    ) -> RoutingDecision {
        let workType = WorkType(source: ticket["source_type"])
        let required = Skill.required(by: ticket, skillProperties: rule.skillProperties)
        var decision = RoutingDecision(
            ownerID: nil, teamID: nil, assignment: rule.assignment, distribution: nil, workType: workType,
            availableOnly: rule.availableOnly, requiredSkills: required, contactOwnerID: nil, candidates: [], named: 0, leftOut: [:])
        func candidate(_ id: String) -> Candidate {
            guard let agent = agents[id] else { return Candidate(userID: id, excluded: .deactivated) }
            return agent.candidate(workType: workType, required: required, availableOnly: rule.availableOnly)
        }
        switch rule.assignment {
        case .nobody:
            return decision
        case .teamOnly:
            decision.teamID = rule.teamIDs.first
            return decision
        case .contactOwner:
            if let owner = contactOwnerID {
                decision.contactOwnerID = owner
                let found = candidate(owner)
                decision.candidates.append(found)
                if found.excluded == nil {
                    decision.ownerID = owner
                    return decision.counted()
                }
            }
        case .usersAndTeams:
            break
        }
        var pool = rule.userIDs
        for id in rule.teamIDs {
            pool += teams.first { $0.id == id }?.memberIDs.sorted(by: Self.rotationOrder) ?? []
        }
        let named = RoutingRule.unique(pool).filter { $0 != decision.contactOwnerID }
        decision.candidates += named.map(candidate)
        let eligible = decision.candidates.filter { $0.excluded == nil }
        guard !eligible.isEmpty else { return decision.counted() }
        decision.distribution = rule.distribution
        let chosen: Candidate
        switch rule.distribution {
        case .loadBalanced:
            // Each agent's latest assignment read once: a comparison must not look agents up.
            let weighed = eligible.map { ($0, agents[$0.userID]?.latestAssignment?.millisecondsSince1970 ?? .min) }
            chosen = weighed.min { a, b in
                if a.0.load != b.0.load { return (a.0.load ?? 0) < (b.0.load ?? 0) }
                if a.1 != b.1 { return a.1 < b.1 }
                return rotationOrder(a.0.userID, b.0.userID)
            }!.0
        case .roundRobin:
            let rotation = eligible.sorted { rotationOrder($0.userID, $1.userID) }
            chosen = lastInRotation.flatMap { last in rotation.first { rotationOrder(last, $0.userID) } } ?? rotation[0]
        case .random:
            chosen = eligible.randomElement(using: &generator)!
        }
        decision.ownerID = chosen.userID
        decision.teamID = rule.teamIDs.first { id in teams.first { $0.id == id }?.memberIDs.contains(chosen.userID) ?? false }
        return decision.counted()
    }

    /// Fills `named` and `leftOut`, and keeps a sample of the candidates when there are many.
    func counted() -> RoutingDecision {
        var decision = self
        decision.named = candidates.count
        for candidate in candidates {
            if let reason = candidate.excluded { decision.leftOut[reason, default: 0] += 1 }
        }
        guard candidates.count > Self.candidatesKept else { return decision }
        let chosen = Set([ownerID, contactOwnerID].compactMap { $0 })
        let others = candidates.filter { $0.excluded == nil && !chosen.contains($0.userID) }
            .sorted { ($0.load ?? 0) < ($1.load ?? 0) }.prefix(5).map(\.userID)
        var kept = chosen.union(others)
        var perReason: [Exclusion: Int] = [:]
        for candidate in candidates {
            guard let reason = candidate.excluded else { continue }
            perReason[reason, default: 0] += 1
            if perReason[reason]! <= 3 { kept.insert(candidate.userID) }
        }
        decision.candidates = candidates.filter { kept.contains($0.userID) }
        return decision
    }

    /// A8: who a call rings, in order: the agents the rule names who could take a call now, as the
    /// distribution would pick them one after the other (the fewest calls first; the rotation from
    /// after the last agent given one; shuffled). With the availability switch off, those who are
    /// away or outside their hours follow the others.
    public static func ringOrder(
        rule: RoutingRule, agents: [String: Agent], teams: [Team], lastInRotation: String?, using generator: inout some RandomNumberGenerator
    ) -> [String] {
        var pool = rule.userIDs
        for id in rule.teamIDs { pool += teams.first { $0.id == id }?.memberIDs ?? [] }
        let named = RoutingRule.unique(pool).compactMap { agents[$0] }
        func order(_ group: [Agent]) -> [String] {
            switch rule.distribution {
            case .loadBalanced:
                func key(_ agent: Agent) -> (Int, Int64) { (agent.load ?? 0, agent.latestAssignment?.millisecondsSince1970 ?? .min) }
                return group.sorted { key($0) != key($1) ? key($0) < key($1) : rotationOrder($0.user.id, $1.user.id) }.map(\.user.id)
            case .roundRobin:
                let rotation = group.map(\.user.id).sorted(by: rotationOrder)
                let start = lastInRotation.flatMap { last in rotation.firstIndex { rotationOrder(last, $0) } } ?? 0
                return Array(rotation[start...] + rotation[..<start])
            case .random:
                return group.map(\.user.id).shuffled(using: &generator)
            }
        }
        let present = named.filter { $0.candidate(workType: .calls, required: [], availableOnly: true).excluded == nil }
        guard !rule.availableOnly else { return order(present) }
        let absent = named.filter { agent in
            !present.contains { $0.user.id == agent.user.id }
                && agent.candidate(workType: .calls, required: [], availableOnly: false).excluded == nil
        }
        return order(present) + order(absent)
    }

    /// The fixed rotation of round robin: users by id, as numbers.
    static func rotationOrder(_ a: String, _ b: String) -> Bool {
        a.count != b.count ? a.count < b.count : a < b
    }
}

extension RoutingDecision.Agent {
    /// This agent for a ticket of this work type that needs these skills (A6, A7, A9, capacity).
    /// Capacity is checked once the load is counted, which the store does only for agents who
    /// pass the other checks.
    public func candidate(workType: WorkType, required: [Skill], availableOnly: Bool) -> RoutingDecision.Candidate {
        var found = RoutingDecision.Candidate(userID: user.id, load: load)
        let missing = required.filter { !profile.skills.contains($0) }
        let capacity = profile.capacity[workType]
        if user.archived {
            found.excluded = .deactivated
        } else if !Access.allows(user, .readRecords(.tickets)) {
            found.excluded = .noHelpDeskAccess
        } else if !user.serviceSeat {
            found.excluded = .noSeat
        } else if availableOnly && profile.status == .away {
            found.excluded = .away
        } else if availableOnly && !withinWorkingHours {
            found.excluded = .outsideWorkingHours
        } else if !missing.isEmpty {
            found.excluded = .missingSkills
            found.missingSkills = missing
        } else if let capacity, let open = openTickets ?? load, open >= capacity {
            found.excluded = .atCapacity
            found.capacity = capacity
            found.openTickets = open
        }
        return found
    }
}
