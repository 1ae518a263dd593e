/// How a channel's new tickets find their owner (A3), decided in the transaction that creates
/// each ticket (see `RoutingDecision`).
public struct RoutingRule: Sendable, Hashable, Codable {
    /// Who the channel's tickets go to.
    public enum Assignment: String, Sendable, Hashable, Codable, CaseIterable {
        /// Nobody: tickets wait in Unassigned (A1).
        case nobody = "NOBODY"
        /// One of `userIDs` and the members of `teamIDs`, picked by the distribution.
        case usersAndTeams = "USERS_AND_TEAMS"
        /// The team `teamIDs[0]`, with no owner: the ticket shows in its team views.
        case teamOnly = "TEAM_ONLY"
        /// The owner of the ticket's contact; when there is none, or they may not take it, the
        /// rule's users and teams as with `usersAndTeams` (nobody when it names none).
        case contactOwner = "CONTACT_OWNER"
    }

    public var assignment: Assignment
    public var userIDs: [String]
    public var teamIDs: [String]
    public var distribution: Distribution
    /// A6: only agents available now take tickets; with none, the ticket stays unassigned.
    public var availableOnly: Bool
    /// A7: ticket properties whose values the agent must have as skills.
    public var skillProperties: [String]
    /// When a ticket reopens and its owner could not take a new one now (away, off, no seat...),
    /// it is routed again; with nobody to take it, it waits unassigned.
    public var rerouteReopened: Bool

    public init(assignment: Assignment = .nobody, userIDs: [String] = [], teamIDs: [String] = [],
                distribution: Distribution = .loadBalanced, availableOnly: Bool = true, skillProperties: [String] = [],
                rerouteReopened: Bool = false) {
        self.assignment = assignment
        self.userIDs = userIDs
        self.teamIDs = teamIDs
        self.distribution = distribution
        self.availableOnly = availableOnly
        self.skillProperties = skillProperties
        self.rerouteReopened = rerouteReopened
    }

    /// Reads a stored rule; settings added since it was kept take their defaults.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(assignment: try values.decode(Assignment.self, forKey: .assignment),
                  userIDs: try values.decodeIfPresent([String].self, forKey: .userIDs) ?? [],
                  teamIDs: try values.decodeIfPresent([String].self, forKey: .teamIDs) ?? [],
                  distribution: try values.decodeIfPresent(Distribution.self, forKey: .distribution) ?? .loadBalanced,
                  availableOnly: try values.decodeIfPresent(Bool.self, forKey: .availableOnly) ?? true,
                  skillProperties: try values.decodeIfPresent([String].self, forKey: .skillProperties) ?? [],
                  rerouteReopened: try values.decodeIfPresent(Bool.self, forKey: .rerouteReopened) ?? false)
    }

    /// A channel's rule until an admin sets one (A1).
    public static let nobody = RoutingRule()

    /// Checks the rule against the help desk's users, teams and ticket properties; returns it
    /// with its lists cleaned (no repeats), or every problem in one error.
    public func validated(users: [User], teams: [Team], tickets: RecordSchema) throws(RoutingSetupError) -> RoutingRule {
        var rule = self
        rule.userIDs = Self.unique(userIDs)
        rule.teamIDs = Self.unique(teamIDs)
        rule.skillProperties = Self.unique(skillProperties)
        var problems: [String] = []
        let usersByID = Dictionary(users.map { ($0.id, $0) }) { first, _ in first }
        let teamsByID = Dictionary(teams.map { ($0.id, $0) }) { first, _ in first }
        for id in rule.userIDs {
            guard let user = usersByID[id] else {
                problems.append("No user has the id \(id).")
                continue
            }
            if user.archived { problems.append("\(user.email) is deactivated and cannot take tickets.") }
        }
        for id in rule.teamIDs where teamsByID[id] == nil {
            problems.append("No team has the id \(id).")
        }
        for name in rule.skillProperties where tickets.properties[name] == nil {
            problems.append("Tickets have no property \"\(name)\" to match skills on.")
        }
        if rule.rerouteReopened && (rule.assignment == .nobody || rule.assignment == .teamOnly) {
            problems.append("Routing reopened tickets again needs agents to give them to: choose specific users and teams or the contact's owner.")
        }
        switch rule.assignment {
        case .nobody, .contactOwner:
            break
        case .usersAndTeams:
            if rule.userIDs.isEmpty && rule.teamIDs.isEmpty { problems.append("Choose at least one user or team to assign tickets to.") }
        case .teamOnly:
            if rule.teamIDs.count != 1 || !rule.userIDs.isEmpty {
                problems.append("Team only assigns tickets to exactly one team and no user.")
            } else if let team = teamsByID[rule.teamIDs[0]],
                      !team.memberIDs.contains(where: { usersByID[$0].map { $0.serviceSeat && !$0.archived } ?? false }) {
                problems.append("Team \(team.name) has no member with a service seat, so nobody could work its tickets.")
            }
        }
        guard problems.isEmpty else { throw RoutingSetupError(problems: problems) }
        return rule
    }

    /// The ids in their order, each once.
    public static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }
}

/// Why a routing rule or an agent's routing profile was refused.
public struct RoutingSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: " ") }
}
