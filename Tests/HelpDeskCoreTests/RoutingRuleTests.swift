import Foundation
import HelpDeskCore
import XCTest

/// A3-A9: who a new ticket goes to under its channel's rule, and the sentence that says why.
final class RoutingRuleTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    lazy var tickets = RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets),
                                    pipelines: [DefaultPipelines.tickets(at: now)])

    func user(_ id: String, seat: Bool = true, roles: Roles = [.helpDeskAccess], archived: Bool = false) -> User {
        User(id: id, email: "u\(id)@example.com", firstName: "U\(id)", roles: roles, serviceSeat: seat, archived: archived,
             createdAt: now, updatedAt: now)
    }

    func agent(_ id: String, load: Int? = 0, status: RoutingProfile.Status = .available, working: Bool = true,
               skills: Set<Skill> = [], capacity: [WorkType: Int] = [:], seat: Bool = true, roles: Roles = [.helpDeskAccess],
               archived: Bool = false, latest: Int64? = nil) -> RoutingDecision.Agent {
        RoutingDecision.Agent(user: user(id, seat: seat, roles: roles, archived: archived),
                              profile: RoutingProfile(status: status, skills: skills, capacity: capacity),
                              withinWorkingHours: working, load: load, latestAssignment: latest.map(Timestamp.init(millisecondsSince1970:)))
    }

    func decide(_ rule: RoutingRule, ticket: [String: String] = ["source_type": "EMAIL"], contactOwner: String? = nil,
                agents: [RoutingDecision.Agent], teams: [Team] = [], last: String? = nil) -> RoutingDecision {
        var generator = SystemRandomNumberGenerator()
        return RoutingDecision.decide(rule: rule, ticket: ticket, contactOwnerID: contactOwner,
                                      agents: Dictionary(uniqueKeysWithValues: agents.map { ($0.user.id, $0) }), teams: teams,
                                      lastInRotation: last, using: &generator)
    }

    let names = RoutingDecision.Names(user: { "U\($0)" }, team: { "Team \($0)" }, skill: { "\($0.property): \($0.value)" })

    func testA1ARuleOfNobodyLeavesTheTicketUnassigned() {
        let decision = decide(.nobody, agents: [agent("1")])
        XCTAssertNil(decision.ownerID)
        XCTAssertNil(decision.teamID)
        XCTAssertEqual(decision.sentence(names), "Left unassigned: the channel's rule assigns nobody.")
    }

    func testA3TeamOnlyGivesTheTeamAndNoOwner() {
        let decision = decide(RoutingRule(assignment: .teamOnly, teamIDs: ["7"]), agents: [])
        XCTAssertNil(decision.ownerID)
        XCTAssertEqual(decision.teamID, "7")
        XCTAssertEqual(decision.sentence(names), "Routed to the team Team 7, with no owner.")
    }

    func testA3UsersAndTeamsPicksAmongTheUsersAndTheTeamsMembersAndSetsTheTeam() {
        let team = Team(id: "7", name: "Billing", memberIDs: ["3", "2"], createdAt: now, updatedAt: now)
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["1"], teamIDs: ["7"])
        let decision = decide(rule, agents: [agent("1", load: 4), agent("2", load: 1), agent("3", load: 2)], teams: [team])
        XCTAssertEqual(decision.candidates.map(\.userID), ["1", "2", "3"])
        XCTAssertEqual(decision.ownerID, "2")
        XCTAssertEqual(decision.teamID, "7", "an agent reached through a team works the ticket for that team")
        XCTAssertEqual(decision.sentence(names),
                       "Routed to U2 by load balancing among 3 agents who could take it: 1 open email or other ticket, the fewest, for the team Team 7.")
        let direct = decide(rule, agents: [agent("1", load: 0), agent("2", load: 1), agent("3", load: 2)], teams: [team])
        XCTAssertEqual(direct.ownerID, "1")
        XCTAssertNil(direct.teamID, "a user the rule names directly takes the ticket with no team")
    }

    func testA3ContactOwnerTakesTheTicketWhenTheyMay() {
        let rule = RoutingRule(assignment: .contactOwner, userIDs: ["2"])
        let owned = decide(rule, contactOwner: "1", agents: [agent("1", load: 9), agent("2")])
        XCTAssertEqual(owned.ownerID, "1", "the contact's owner, whatever their load")
        XCTAssertNil(owned.distribution)
        XCTAssertEqual(owned.sentence(names), "Routed to U1, the contact's owner.")

        let away = decide(rule, contactOwner: "1", agents: [agent("1", status: .away), agent("2")])
        XCTAssertEqual(away.ownerID, "2", "an away owner hands over to the rule's users")
        XCTAssertEqual(away.sentence(names), "Routed to U2, the only agent who could take it. Left out: U1 (the contact's owner, away).")

        let ownerless = decide(RoutingRule(assignment: .contactOwner), agents: [])
        XCTAssertNil(ownerless.ownerID)
        XCTAssertEqual(ownerless.sentence(names), "Left unassigned: the contact has no owner and the rule names nobody else.")
    }

    func testA4LoadBalancedTakesTheFewestAndAmongEqualsTheOneWhoWaitedLongest() {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "2", "3"])
        XCTAssertEqual(decide(rule, agents: [agent("1", load: 3), agent("2", load: 2), agent("3", load: 5)]).ownerID, "2")
        XCTAssertEqual(decide(rule, agents: [agent("1", load: 2, latest: 500), agent("2", load: 2, latest: 100),
                                             agent("3", load: 2, latest: 900)]).ownerID, "2")
        XCTAssertEqual(decide(rule, agents: [agent("1", load: 0), agent("2", load: 0), agent("3", load: 0)]).ownerID, "1",
                       "with nothing to tell them apart, the rotation's order")
    }

    func testA4RoundRobinGoesToTheNextInAFixedRotationSkippingWhoCannotTakeIt() {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["10", "9", "2"], distribution: .roundRobin)
        let agents = [agent("2"), agent("9"), agent("10")]
        XCTAssertEqual(decide(rule, agents: agents, last: nil).ownerID, "2", "the rotation orders users by id as numbers")
        XCTAssertEqual(decide(rule, agents: agents, last: "2").ownerID, "9")
        XCTAssertEqual(decide(rule, agents: agents, last: "9").ownerID, "10")
        XCTAssertEqual(decide(rule, agents: agents, last: "10").ownerID, "2", "after the last comes the first")
        XCTAssertEqual(decide(rule, agents: [agent("2"), agent("9", status: .away), agent("10")], last: "2").ownerID, "10")
        XCTAssertEqual(decide(rule, agents: agents, last: "5").ownerID, "9", "a user who left the rotation still marks the place")
        var seen: [String: Int] = [:]
        var last: String?
        for _ in 0..<30 {
            last = decide(rule, agents: agents, last: last).ownerID
            seen[last!, default: 0] += 1
        }
        XCTAssertEqual(seen, ["2": 10, "9": 10, "10": 10])
    }

    func testA4RandomPicksOnlyAmongWhoCanTakeIt() {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "2", "3"], distribution: .random)
        var seen = Set<String>()
        for _ in 0..<200 {
            let decision = decide(rule, agents: [agent("1"), agent("2", seat: false), agent("3")])
            seen.insert(decision.ownerID ?? "none")
            XCTAssertEqual(decision.distribution, .random)
        }
        XCTAssertEqual(seen, ["1", "3"])
    }

    func testA5WorkTypeComesFromTheTicketsSource() {
        XCTAssertEqual(WorkType(source: "PHONE"), .calls)
        for source in ["CHAT", "WHATSAPP", "CUSTOM_CHANNEL"] { XCTAssertEqual(WorkType(source: source), .messages) }
        for source in ["EMAIL", "FORM", "MANUAL", "WORKFLOW", "API", nil] { XCTAssertEqual(WorkType(source: source), .email) }
        let decision = decide(RoutingRule(assignment: .usersAndTeams, userIDs: ["1"]), ticket: ["source_type": "PHONE"], agents: [agent("1", load: 2)])
        XCTAssertEqual(decision.workType, .calls)
        XCTAssertEqual(decision.sentence(names), "Routed to U1, the only agent who could take it.")
    }

    func testA6OnlyAvailableAgentsUnlessTheRuleSaysOtherwise() {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "2"])
        let agents = [agent("1", status: .away), agent("2", working: false)]
        let decision = decide(rule, agents: agents)
        XCTAssertNil(decision.ownerID, "nobody available: the ticket stays unassigned")
        XCTAssertEqual(decision.candidates.map(\.excluded), [.away, .outsideWorkingHours])
        XCTAssertEqual(decision.sentence(names),
                       "Left unassigned: none of the rule's agents was available. Left out: U1 (away), U2 (outside working hours).")
        var anyone = rule
        anyone.availableOnly = false
        XCTAssertNotNil(decide(anyone, agents: agents).ownerID, "with the switch off, away agents take tickets too")
    }

    func testA7OnlyAgentsWithTheTicketsSkillsAreCandidates() {
        let french = Skill(property: "hs_language", value: "fr")
        let billing = Skill(property: "hs_ticket_category", value: "BILLING_ISSUE")
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "2", "3"], skillProperties: ["hs_language", "hs_ticket_category"])
        let ticket = ["hs_language": "fr", "hs_ticket_category": "BILLING_ISSUE;PRODUCT_ISSUE"]
        let product = Skill(property: "hs_ticket_category", value: "PRODUCT_ISSUE")
        let decision = decide(rule, ticket: ticket, agents: [
            agent("1", load: 0, skills: [french, billing]), agent("2", load: 5, skills: [french, billing, product]), agent("3", load: 0, skills: []),
        ])
        XCTAssertEqual(decision.ownerID, "2", "a ticket of two categories needs both")
        XCTAssertEqual(decision.requiredSkills, [french, billing, product])
        XCTAssertEqual(decision.candidates[0].missingSkills, [product])
        XCTAssertEqual(decision.sentence(names), "Routed to U2, the only agent who could take it. Left out: U1 (lacks hs_ticket_category: PRODUCT_ISSUE), "
                       + "U3 (lacks hs_language: fr and hs_ticket_category: BILLING_ISSUE and hs_ticket_category: PRODUCT_ISSUE).")
        XCTAssertEqual(decide(rule, ticket: [:], agents: [agent("3")]).ownerID, "3", "a ticket without those properties needs no skill")
    }

    func testA7LanguageSkillsMatchWhateverTheirCaseOrRegion() throws {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "2"], skillProperties: ["hs_language"])
        let typed = try JSONDecoder().decode(Skill.self, from: Data(#"{"property": "hs_language", "value": "FR"}"#.utf8))
        let decision = decide(rule, ticket: ["source_type": "EMAIL", "hs_language": "fr-CA"], agents: [
            agent("1", load: 4, skills: [typed]), agent("2", load: 0, skills: [Skill(property: "hs_language", value: "de")]),
        ])
        XCTAssertEqual(decision.ownerID, "1", "FR, as an admin typed it, speaks a Canadian customer's French")
        XCTAssertEqual(decision.requiredSkills, [Skill(property: "hs_language", value: "fr")])
        XCTAssertEqual(Skill(property: "hs_ticket_category", value: "Billing").value, "Billing", "other values are kept as given")
    }

    func testTheDecisionIsStoredAsJSONThatReadsBackTheSame() throws {
        let french = Skill(property: "hs_language", value: "fr")
        let rule = RoutingRule(assignment: .contactOwner, userIDs: ["1", "2", "3", "4"], teamIDs: ["7"], skillProperties: ["hs_language"])
        var full = agent("3", load: 2, capacity: [.email: 2], latest: 9)
        full.profile.skills = [french]
        let decision = decide(rule, ticket: ["source_type": "EMAIL", "hs_language": "fr"], contactOwner: "9", agents: [
            agent("1", load: 0, skills: [french], latest: 4), agent("2", status: .away), full, agent("4", load: 1, skills: [french]),
        ])
        XCTAssertEqual(decision.ownerID, "1")
        XCTAssertEqual(try JSONDecoder().decode(RoutingDecision.self, from: Data(decision.json.utf8)), decision)
        let plain = decide(RoutingRule(assignment: .nobody), agents: [])
        XCTAssertEqual(try JSONDecoder().decode(RoutingDecision.self, from: Data(plain.json.utf8)), plain)
        var quoted = plain
        quoted.ownerID = "a \"quoted\"\nid"
        XCTAssertEqual(try JSONDecoder().decode(RoutingDecision.self, from: Data(quoted.json.utf8)), quoted)
    }

    func testA9OnlySeatedAgentsWithHelpDeskAccessAreCandidates() {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "2", "3", "4", "5"])
        let decision = decide(rule, agents: [
            agent("1", seat: false), agent("2", roles: [.accountAccess]), agent("3", archived: true), agent("4", roles: [.superAdmin], latest: 5),
        ])
        XCTAssertEqual(decision.candidates.map(\.excluded), [.noSeat, .noHelpDeskAccess, .deactivated, nil, .deactivated])
        XCTAssertEqual(decision.ownerID, "4", "a super admin has the help desk")
    }

    func testCapacityLeavesOutAnAgentWhoHoldsTheirLimitOfTheType() {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "2"])
        let decision = decide(rule, agents: [agent("1", load: 3, capacity: [.email: 3]), agent("2", load: 8, capacity: [.calls: 1])])
        XCTAssertEqual(decision.ownerID, "2", "a limit on calls does not hold back email")
        XCTAssertEqual(decision.candidates[0].excluded, .atCapacity)
        XCTAssertTrue(decision.sentence(names).hasSuffix("Left out: U1 (at capacity, 3 of 3 email and other tickets)."), decision.sentence(names))
        XCTAssertNil(agent("1", load: nil, capacity: [.email: 0]).candidate(workType: .email, required: [], availableOnly: true).excluded,
                     "capacity is checked once the load is counted")
        var veteran = agent("1", load: 1, capacity: [.email: 3])
        veteran.openTickets = 3
        let full = veteran.candidate(workType: .email, required: [], availableOnly: true)
        XCTAssertEqual(full.excluded, .atCapacity, "a capacity limits every open ticket, also those assigned over 30 days ago")
        XCTAssertEqual(full.openTickets, 3)
    }

    func testA3RulesAreCheckedAgainstUsersTeamsAndProperties() throws {
        let users = [user("1"), user("2", seat: false), user("3", archived: true)]
        let teams = [Team(id: "7", name: "Billing", memberIDs: ["2"], createdAt: now, updatedAt: now),
                     Team(id: "8", name: "Sales", memberIDs: ["1"], createdAt: now, updatedAt: now)]
        func problems(_ rule: RoutingRule) -> [String] {
            do {
                _ = try rule.validated(users: users, teams: teams, tickets: tickets)
                return []
            } catch {
                return error.problems
            }
        }
        XCTAssertEqual(problems(RoutingRule(assignment: .teamOnly, teamIDs: ["7"])),
                       ["Team Billing has no member with a service seat, so nobody could work its tickets."])
        XCTAssertEqual(problems(RoutingRule(assignment: .teamOnly, teamIDs: ["8"])), [])
        XCTAssertEqual(problems(RoutingRule(assignment: .teamOnly, teamIDs: ["7", "8"])), ["Team only assigns tickets to exactly one team and no user."])
        XCTAssertEqual(problems(RoutingRule(assignment: .usersAndTeams)), ["Choose at least one user or team to assign tickets to."])
        XCTAssertEqual(problems(RoutingRule(assignment: .usersAndTeams, userIDs: ["3", "9"], teamIDs: ["6"], skillProperties: ["shoe_size"])), [
            "u3@example.com is deactivated and cannot take tickets.", "No user has the id 9.", "No team has the id 6.",
            "Tickets have no property \"shoe_size\" to match skills on.",
        ])
        let cleaned = try RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "1"]).validated(users: users, teams: teams, tickets: tickets)
        XCTAssertEqual(cleaned.userIDs, ["1"])
    }

    func testA7ProfilesNameSkillsTicketsCanHave() {
        XCTAssertNoThrow(try RoutingProfile(skills: [Skill(property: "hs_language", value: "fr")]).validated(tickets: tickets))
        XCTAssertThrowsError(try RoutingProfile(skills: [Skill(property: "hs_ticket_category", value: "SHOES")],
                                                capacity: [.email: -1]).validated(tickets: tickets)) { error in
            XCTAssertEqual((error as? RoutingSetupError)?.problems, [
                "\"SHOES\" is not one of the values of Category for the skill hs_ticket_category=SHOES.",
                "The capacity for email and other tickets must be between 0 and 1000; -1 given.",
            ])
        }
        XCTAssertEqual(Skill("hs_language=fr"), Skill(property: "hs_language", value: "fr"))
        XCTAssertNil(Skill("hs_language="))
    }

    func testA4AmongHundredsTheDecisionKeepsASampleAndCountsTheRest() {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: (1...300).map(String.init), skillProperties: ["hs_language"])
        let french = Skill(property: "hs_language", value: "fr")
        let agents = (1...300).map { n in
            agent(String(n), load: n % 50, status: n % 10 == 0 ? .away : .available, skills: n % 3 == 0 ? [french] : [])
        }
        let decision = decide(rule, ticket: ["hs_language": "fr"], agents: agents)
        XCTAssertEqual(decision.ownerID, "51", "the fewest tickets among who speaks French and is here: 150 and 300 have none but are away")
        XCTAssertEqual(decision.named, 300)
        XCTAssertEqual(decision.leftOut, [.away: 30, .missingSkills: 180])
        XCTAssertLessThanOrEqual(decision.candidates.count, 12)
        XCTAssertTrue(decision.candidates.contains { $0.userID == "51" })
        XCTAssertEqual(decision.sentence(names), "Routed to U51 by load balancing among 90 agents who could take it: 1 open email or other ticket, "
                       + "the fewest. Left out: 30 away, 180 lacking hs_language: fr.")
    }

    func testA8ACallRingsTheRulesAvailableAgentsInTheOrderTheDistributionWouldPickThem() {
        let agents = Dictionary(uniqueKeysWithValues: [agent("1", load: 3), agent("2", load: 1), agent("3", status: .away), agent("4", load: 2),
                                                       agent("5", seat: false)].map { ($0.user.id, $0) })
        var generator = SystemRandomNumberGenerator()
        func ring(_ distribution: Distribution, availableOnly: Bool = true, last: String? = nil) -> [String] {
            RoutingDecision.ringOrder(rule: RoutingRule(assignment: .usersAndTeams, userIDs: ["1", "2", "3", "4", "5"], distribution: distribution,
                                                        availableOnly: availableOnly),
                                      agents: agents, teams: [], lastInRotation: last, using: &generator)
        }
        XCTAssertEqual(ring(.loadBalanced), ["2", "4", "1"], "fewest calls first; away and unseated agents are not rung")
        XCTAssertEqual(ring(.roundRobin, last: "2"), ["4", "1", "2"], "the rotation from after the last agent given a call")
        XCTAssertEqual(Set(ring(.random)), ["1", "2", "4"])
        XCTAssertEqual(ring(.loadBalanced, availableOnly: false), ["2", "4", "1", "3"], "with the switch off, the away agent rings last")
        XCTAssertThrowsError(try RoutingProfile(phone: "0612").validated(tickets: tickets))
        XCTAssertNoThrow(try RoutingProfile(phone: "+33612345678").validated(tickets: tickets))
    }

    func testA6OfficeHoursCloseOnTheirHolidays() throws {
        let week = try OpeningHours(timeZone: "Europe/Paris", byName: ["monday": ["09:00-17:00"]])
        let office = try OfficeHours(hours: week, holidays: ["2026-12-28", "2026-06-01", "2026-06-01"])
        XCTAssertEqual(office.holidays, ["2026-06-01", "2026-12-28"], "kept once each, in order")
        XCTAssertTrue(office.isOpen(date: "2026-06-08", weekday: 1, minute: 10 * 60))
        XCTAssertFalse(office.isOpen(date: "2026-06-01", weekday: 1, minute: 10 * 60), "a holiday is closed all day")
        XCTAssertFalse(office.isOpen(date: "2026-06-09", weekday: 2, minute: 10 * 60))
        for bad in ["2026-02-29", "2026-13-01", "26-06-01", "2026-6-1", "tomorrow", ""] {
            XCTAssertThrowsError(try OfficeHours(hours: week, holidays: [bad]), bad)
        }
        XCTAssertNoThrow(try OfficeHours(hours: week, holidays: ["2028-02-29"]), "a leap day")
    }
}
