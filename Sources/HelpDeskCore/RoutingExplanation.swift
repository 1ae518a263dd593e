/// A routing decision told in a sentence, as the ticket page shows it under "Why this owner".
extension RoutingDecision {
    /// Names as the help desk shows them: users, teams and skills by their ids.
    public struct Names {
        public var user: (String) -> String
        public var team: (String) -> String
        public var skill: (Skill) -> String

        public init(user: @escaping (String) -> String, team: @escaping (String) -> String, skill: @escaping (Skill) -> String) {
            self.user = user
            self.team = team
            self.skill = skill
        }
    }

    public func sentence(_ names: Names) -> String {
        let excluded = candidates.filter { $0.excluded != nil }
        let leftOutCount = leftOut.values.reduce(0, +)
        let eligible = named - leftOutCount
        var text: String
        switch (ownerID, teamID) {
        case (let owner?, _) where owner == contactOwnerID:
            text = "Routed to \(names.user(owner)), the contact's owner."
        case (let owner?, _):
            let load = candidates.first { $0.userID == owner }?.load ?? 0
            let among = "among \(eligible) agents who could take it"
            switch distribution {
            case _ where eligible == 1:
                text = "Routed to \(names.user(owner)), the only agent who could take it"
            case .loadBalanced?:
                text = "Routed to \(names.user(owner)) by load balancing \(among): \(load) open \(Self.tickets(load, workType)), the fewest"
            case .roundRobin?:
                text = "Routed to \(names.user(owner)), next in the round robin \(among)"
            case .random?, nil:
                text = "Routed to \(names.user(owner)), picked at random \(among)"
            }
            text += (teamID.map { ", for the team \(names.team($0))" } ?? "") + "."
        case (nil, let team?):
            text = "Routed to the team \(names.team(team)), with no owner."
        case (nil, nil):
            switch assignment {
            case .nobody:
                text = "Left unassigned: the channel's rule assigns nobody."
            case .teamOnly:
                text = "Left unassigned: the rule's team no longer exists."
            case .contactOwner where contactOwnerID == nil && named == 0:
                text = "Left unassigned: the contact has no owner and the rule names nobody else."
            case .contactOwner, .usersAndTeams:
                text = named == 0 ? "Left unassigned: the rule names no agent."
                    : availableOnly && leftOut.keys.allSatisfy({ [.away, .outsideWorkingHours].contains($0) })
                    ? "Left unassigned: none of the rule's agents was available."
                    : "Left unassigned: none of the rule's agents could take it."
            }
        }
        if leftOutCount > excluded.count {
            // Hundreds named: the reasons counted, not every name.
            let order: [Exclusion] = [.deactivated, .noHelpDeskAccess, .noSeat, .away, .outsideWorkingHours, .missingSkills, .atCapacity]
            text += " Left out: " + order.compactMap { reason in
                leftOut[reason].map { "\($0) \(Self.counted(reason, required: requiredSkills.map(names.skill)))" }
            }.joined(separator: ", ") + "."
        } else if !excluded.isEmpty {
            text += " Left out: " + excluded.map { candidate in
                let role = candidate.userID == contactOwnerID ? "the contact's owner, " : ""
                return "\(names.user(candidate.userID)) (\(role)\(reason(candidate, names)))"
            }.joined(separator: ", ") + "."
        }
        return text
    }

    func reason(_ candidate: Candidate, _ names: Names) -> String {
        switch candidate.excluded {
        case .deactivated?: "deactivated"
        case .noHelpDeskAccess?: "no help-desk access"
        case .noSeat?: "no service seat"
        case .away?: "away"
        case .outsideWorkingHours?: "outside working hours"
        case .missingSkills?: "lacks " + (candidate.missingSkills ?? []).map(names.skill).joined(separator: " and ")
        case .atCapacity?: "at capacity, \(candidate.openTickets ?? candidate.load ?? 0) of \(candidate.capacity ?? 0) \(workType.title)"
        case nil: ""
        }
    }

    static func counted(_ reason: Exclusion, required: [String]) -> String {
        switch reason {
        case .deactivated: "deactivated"
        case .noHelpDeskAccess: "without help-desk access"
        case .noSeat: "without a service seat"
        case .away: "away"
        case .outsideWorkingHours: "outside working hours"
        case .missingSkills: "lacking " + required.joined(separator: " or ")
        case .atCapacity: "at capacity"
        }
    }

    static func tickets(_ count: Int, _ type: WorkType) -> String {
        switch type {
        case .calls: count == 1 ? "call" : "calls"
        case .messages: count == 1 ? "message ticket" : "message tickets"
        case .email: count == 1 ? "email or other ticket" : "email and other tickets"
        }
    }
}
