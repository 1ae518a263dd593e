import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/routing/v1`: each channel's routing rule (A3-A7), agents' availability, working hours,
/// skills and capacity, and why a ticket went where it did. The commercial product keeps these
/// in its settings screens only; this is the help desk's own API for them.
struct RoutingRoutes {
    let desk: HelpDesk

    struct RuleJSON: Codable {
        var assignment: String
        var userIds: [String]?
        var teamIds: [String]?
        var distribution: String?
        var availableOnly: Bool?
        var skillProperties: [String]?
        var rerouteReopened: Bool?

        init(_ rule: RoutingRule) {
            assignment = rule.assignment.rawValue
            userIds = rule.userIDs
            teamIds = rule.teamIDs
            distribution = rule.distribution.rawValue
            availableOnly = rule.availableOnly
            skillProperties = rule.skillProperties
            rerouteReopened = rule.rerouteReopened
        }

        func rule() throws -> RoutingRule {
            guard let kind = RoutingRule.Assignment(rawValue: assignment) else {
                throw APIError.badRequest("assignment must be one of \(RoutingRule.Assignment.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            var distribution = Distribution.loadBalanced
            if let name = self.distribution {
                guard let known = Distribution(rawValue: name) else {
                    throw APIError.badRequest("distribution must be one of \(Distribution.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                distribution = known
            }
            return RoutingRule(assignment: kind, userIDs: userIds ?? [], teamIDs: teamIds ?? [], distribution: distribution,
                               availableOnly: availableOnly ?? true, skillProperties: skillProperties ?? [],
                               rerouteReopened: rerouteReopened ?? false)
        }
    }

    struct AgentJSON: Codable {
        struct SkillJSON: Codable {
            var property: String
            var value: String
        }

        var status: String?
        var workingHours: ConversationRoutes.OpeningHoursJSON?
        var skills: [SkillJSON]?
        /// Open tickets at most, by work type (`CALLS`, `MESSAGES`, `EMAIL`).
        var capacity: [String: Int]?
        /// The number calls ring for this agent (A8).
        var phone: String?
        /// Available only in their primary team's office hours, else the help desk's (A6).
        var followsOfficeHours: Bool?

        init(_ profile: RoutingProfile) {
            status = profile.status.rawValue
            workingHours = profile.workingHours.map(ConversationRoutes.OpeningHoursJSON.init)
            skills = profile.skills.sorted().map { SkillJSON(property: $0.property, value: $0.value) }
            capacity = Dictionary(uniqueKeysWithValues: profile.capacity.map { ($0.key.rawValue, $0.value) })
            phone = profile.phone
            followsOfficeHours = profile.followsOfficeHours
        }

        func profile() throws -> RoutingProfile {
            var profile = RoutingProfile()
            if let hours = workingHours {
                do {
                    profile.workingHours = try OpeningHours(timeZone: hours.timeZone, byName: hours.days)
                } catch {
                    throw APIError.badRequest(error.description)
                }
            }
            profile.skills = Set((skills ?? []).map { Skill(property: $0.property, value: $0.value) })
            profile.phone = phone.flatMap { $0.isEmpty ? nil : $0 }
            profile.followsOfficeHours = followsOfficeHours ?? false
            for (name, limit) in capacity ?? [:] {
                guard let type = WorkType(rawValue: name) else {
                    throw APIError.badRequest("capacity is kept by work type: \(WorkType.allCases.map(\.rawValue).joined(separator: ", ")); \"\(name)\" is none.")
                }
                profile.capacity[type] = limit
            }
            return profile
        }
    }

    /// Office hours as the API carries them: the weekly hours and the holidays.
    struct OfficeHoursJSON: Codable {
        var hours: ConversationRoutes.OpeningHoursJSON
        var holidays: [String]?

        init(_ office: OfficeHours) {
            hours = ConversationRoutes.OpeningHoursJSON(office.hours)
            holidays = office.holidays
        }

        func officeHours() throws -> OfficeHours {
            do {
                return try OfficeHours(hours: try OpeningHours(timeZone: hours.timeZone, byName: hours.days), holidays: holidays ?? [])
            } catch let error as OpeningHoursError {
                throw APIError.badRequest(error.description)
            } catch let error as OfficeHoursError {
                throw APIError.badRequest(error.description)
            }
        }
    }

    struct StatusInput: Decodable {
        var status: String
    }

    struct DecisionJSON: Encodable {
        struct CandidateJSON: Encodable {
            var userId: String
            var load: Int?
            var excluded: String?
            var missingSkills: [AgentJSON.SkillJSON]?
            var capacity: Int?
            var openTickets: Int?
        }

        var ticketId: String
        var channelId: String
        var decidedAt: String
        var sentence: String
        var ownerId: String?
        var teamId: String?
        var assignment: String
        var distribution: String?
        var workType: String
        var availableOnly: Bool
        var requiredSkills: [AgentJSON.SkillJSON]
        var contactOwnerId: String?
        /// Every agent considered when few; a sample when many (see `named` and `leftOut`).
        var candidates: [CandidateJSON]
        var named: Int
        var leftOut: [String: Int]

        init(ticketID: String, _ explanation: RoutingService.Explanation) {
            let decision = explanation.decision
            func skills(_ list: [Skill]) -> [AgentJSON.SkillJSON] { list.map { .init(property: $0.property, value: $0.value) } }
            ticketId = ticketID
            channelId = explanation.channelID
            decidedAt = explanation.decidedAt.isoString
            sentence = explanation.sentence
            ownerId = decision.ownerID
            teamId = decision.teamID
            assignment = decision.assignment.rawValue
            distribution = decision.distribution?.rawValue
            workType = decision.workType.rawValue
            availableOnly = decision.availableOnly
            requiredSkills = skills(decision.requiredSkills)
            contactOwnerId = decision.contactOwnerID
            named = decision.named
            leftOut = Dictionary(uniqueKeysWithValues: decision.leftOut.map { ($0.key.rawValue, $0.value) })
            candidates = decision.candidates.map {
                CandidateJSON(userId: $0.userID, load: $0.load, excluded: $0.excluded?.rawValue, missingSkills: $0.missingSkills.map(skills),
                              capacity: $0.capacity, openTickets: $0.openTickets)
            }
        }
    }

    func register(_ section: RouteBook.Section) {
        section.add(.get, "channels/:channelId/rule", "getRoutingRule", "A channel's routing rule: who its new tickets go to",
                    response: "RoutingRule") { _, context in
            let rule = try await desk.routing.rule(channelID: try context.parameters.require("channelId"), by: try context.requireCaller())
            return try JSONBody.response(RuleJSON(rule))
        }
        section.add(.put, "channels/:channelId/rule", "setRoutingRule", "Set a channel's routing rule",
                    request: "RoutingRule", response: "RoutingRule") { request, context in
            let input = try await JSONBody.decode(RuleJSON.self, from: request)
            let rule = try await desk.routing.setRule(try input.rule(), channelID: try context.parameters.require("channelId"),
                                                      by: try context.requireCaller())
            return try JSONBody.response(RuleJSON(rule))
        }
        section.add(.get, "agents/:userId", "getAgentRouting", "A user's availability, working hours, skills and capacity",
                    response: "AgentRouting") { _, context in
            let profile = try await desk.routing.profile(userID: try context.parameters.require("userId"), by: try context.requireCaller())
            return try JSONBody.response(AgentJSON(profile))
        }
        section.add(.put, "agents/:userId", "setAgentRouting", "Set a user's working hours, skills and capacity (their status stays theirs)",
                    request: "AgentRouting", response: "AgentRouting") { request, context in
            let input = try await JSONBody.decode(AgentJSON.self, from: request)
            let profile = try await desk.routing.setProfile(try input.profile(), userID: try context.parameters.require("userId"),
                                                            by: try context.requireCaller())
            return try JSONBody.response(AgentJSON(profile))
        }
        section.add(.put, "status", "setAvailability", "Set your own availability: AVAILABLE or AWAY",
                    request: "AvailabilityInput", response: "AgentRouting") { request, context in
            let input = try await JSONBody.decode(StatusInput.self, from: request)
            guard let status = RoutingProfile.Status(rawValue: input.status) else {
                throw APIError.badRequest("status must be AVAILABLE or AWAY.")
            }
            return try JSONBody.response(AgentJSON(try await desk.routing.setStatus(status, by: try context.requireCaller())))
        }
        section.add(.get, "office-hours", "getOfficeHours", "The help desk's office hours and holidays; 404 when none are set",
                    response: "OfficeHours") { _, context in
            guard let office = try await desk.routing.officeHours(by: try context.requireCaller()).helpDesk else {
                throw APIError.notFound("The help desk has no office hours: agents who follow them are available at any time.")
            }
            return try JSONBody.response(OfficeHoursJSON(office))
        }
        section.add(.put, "office-hours", "setOfficeHours", "Set the help desk's office hours and holidays",
                    request: "OfficeHours", response: "OfficeHours") { request, context in
            let office = try await JSONBody.decode(OfficeHoursJSON.self, from: request).officeHours()
            try await desk.routing.setOfficeHours(office, teamID: nil, by: try context.requireCaller())
            return try JSONBody.response(OfficeHoursJSON(office))
        }
        section.add(.get, "teams/:teamId/office-hours", "getTeamOfficeHours", "A team's own office hours; 404 when it follows the help desk's",
                    response: "OfficeHours") { _, context in
            let team = try context.parameters.require("teamId")
            guard let office = try await desk.routing.officeHours(by: try context.requireCaller()).teams[team] else {
                throw APIError.notFound("Team \(team) has no office hours of its own: its members follow the help desk's.")
            }
            return try JSONBody.response(OfficeHoursJSON(office))
        }
        section.add(.put, "teams/:teamId/office-hours", "setTeamOfficeHours", "Set a team's own office hours and holidays",
                    request: "OfficeHours", response: "OfficeHours") { request, context in
            let office = try await JSONBody.decode(OfficeHoursJSON.self, from: request).officeHours()
            try await desk.routing.setOfficeHours(office, teamID: try context.parameters.require("teamId"), by: try context.requireCaller())
            return try JSONBody.response(OfficeHoursJSON(office))
        }
        section.add(.get, "tickets/:ticketId", "getRoutingDecision", "Why a ticket went where it did: its channel rule's decision",
                    response: "RoutingDecision") { _, context in
            let id = try context.parameters.require("ticketId")
            guard let explanation = try await desk.routing.explanation(ticketID: id, by: try context.requireCaller()) else {
                throw APIError.notFound("Ticket \(id) was not routed: its channel had no routing rule when it arrived.")
            }
            return try JSONBody.response(DecisionJSON(ticketID: id, explanation))
        }
    }
}
