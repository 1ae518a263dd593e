import Foundation
import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskTestSupport
import XCTest

/// A3-A9 on each database: tickets arrive owned as their channel's rule says, with the reason kept.
final class RoutingTests: XCTestCase {
    /// A clock the test moves.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var now: Int64 = 1_780_000_000_000

        func read() -> Timestamp {
            lock.lock()
            defer { lock.unlock() }
            now += 1
            return Timestamp(millisecondsSince1970: now)
        }

        func advance(days: Int64) {
            lock.lock()
            defer { lock.unlock() }
            now += days * 24 * 60 * 60 * 1000
        }
    }

    struct Desk: Sendable {
        let desk: HelpDesk
        let admin: Caller
        let agents: [Caller]
        let channel: Channel
    }

    func setUp(_ desk: HelpDesk, agents count: Int, rule: (([String]) -> RoutingRule)? = nil) async throws -> Desk {
        let people = try await TestPeople.make(on: desk)
        var agents: [Caller] = []
        for n in 1...count {
            let user = try await desk.people.createUser(UserDraft(email: "agent\(n)@example.com", firstName: "Agent", lastName: "\(n)",
                                                                  roles: [.helpDeskAccess], serviceSeat: true))
            agents.append(Caller(user: user, source: "TEST"))
        }
        let channel = try await desk.channels.create(ChannelDraft(kind: .custom, address: "sms"), by: people.admin)
        if let rule {
            _ = try await desk.routing.setRule(rule(agents.map(\.user.id)), channelID: channel.id, by: people.admin)
        }
        return Desk(desk: desk, admin: people.admin, agents: agents, channel: channel)
    }

    static func message(_ setup: Desk, from customer: String, desk: HelpDesk? = nil) async throws -> (ticketID: String, owner: String?) {
        let receipt = try await (desk ?? setup.desk).channelMessages.publish(
            CustomerMessage(customerAddress: customer, customerPhone: customer, text: "Hello"), channelID: setup.channel.id,
            by: setup.admin).receipt
        guard let ticketID = receipt.ticketID else { throw XCTSkip("the message opened no ticket") }
        let ticket = try await setup.desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(properties: ["hubspot_owner_id"]),
                                                       by: setup.admin)
        return (ticketID, ticket.first?.record.properties["hubspot_owner_id"])
    }

    func testA3ATicketArrivesOwnedByTheOneAvailableAgentWithTheSkillAndSaysWhy() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 3) { ids in
                RoutingRule(assignment: .usersAndTeams, userIDs: ids, skillProperties: ["source_type"])
            }
            let skill = Skill(property: "source_type", value: "CUSTOM_CHANNEL")
            for agent in setup.agents.dropFirst() {
                _ = try await desk.routing.setProfile(RoutingProfile(skills: agent.user.id == setup.agents[2].user.id ? [skill] : []),
                                                      userID: agent.user.id, by: setup.admin)
            }
            _ = try await desk.routing.setProfile(RoutingProfile(skills: [skill]), userID: setup.agents[0].user.id, by: setup.admin)
            _ = try await desk.routing.setStatus(.away, by: setup.agents[0])
            let status = try await desk.routing.profile(userID: setup.agents[0].user.id, by: setup.agents[0]).status
            XCTAssertEqual(status, .away)

            let (ticketID, owner) = try await Self.message(setup, from: "+33600000001")
            XCTAssertEqual(owner, setup.agents[2].user.id)
            let read = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(
                properties: ["hubspot_owner_id"], propertiesWithHistory: ["hubspot_owner_id"]), by: setup.admin)
            XCTAssertEqual(read.first?.history.first { $0.0 == "hubspot_owner_id" }?.1.map(\.newValue), [setup.agents[2].user.id],
                           "the ticket is created with its owner, never unassigned first")
            let explanation = try await desk.routing.explanation(ticketID: ticketID, by: setup.agents[2])
            XCTAssertEqual(explanation?.decision.workType, .messages)
            XCTAssertEqual(explanation?.sentence,
                           "Routed to Agent 3, the only agent who could take it. Left out: Agent 1 (away), Agent 2 (lacks Source: Custom channel).")
            XCTAssertEqual(explanation?.channelID, setup.channel.id)

            _ = try await desk.routing.setStatus(.available, by: setup.agents[0])
            let (_, next) = try await Self.message(setup, from: "+33600000002")
            XCTAssertEqual(next, setup.agents[0].user.id, "back, with no ticket yet, they have the fewest")
        }
    }

    func testA5LoadCountsOpenTicketsOfTheSameTypeAssignedInTheLast30Days() async throws {
        let clock = Clock()
        try await TestDatabases.each(clock: { clock.read() }) { desk in
            let setup = try await setUp(desk, agents: 2) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: ids) }
            let (one, two) = (setup.agents[0].user.id, setup.agents[1].user.id)
            func tickets(_ count: Int, owner: String, source: String, stage: String = "1") async throws {
                _ = try await desk.records.create(type: "tickets", (0..<count).map { n in
                    RecordInput(properties: ["subject": "Old \(n)", "hs_pipeline": "0", "hs_pipeline_stage": stage,
                                             "source_type": source, "hubspot_owner_id": owner])
                }, by: setup.admin)
            }
            try await tickets(3, owner: one, source: "CHAT")
            clock.advance(days: 31)
            try await tickets(2, owner: two, source: "CHAT")
            try await tickets(5, owner: one, source: "EMAIL")
            try await tickets(4, owner: one, source: "CHAT", stage: "4")
            // Agent 1: 3 chats assigned 31 days ago, 5 emails, 4 closed chats: a load of 0 messages.
            let (ticketID, owner) = try await Self.message(setup, from: "+33600000001")
            XCTAssertEqual(owner, one)
            let decision = try await desk.routing.explanation(ticketID: ticketID, by: setup.admin)?.decision
            XCTAssertEqual(decision?.candidates.map(\.load), [0, 2])
            XCTAssertEqual(decision?.distribution, .loadBalanced)

            // A ticket given to them later counts from then: reassigning one of the old chats.
            let old = try await desk.records.search(type: "tickets", SearchRequest(filterGroups: [[
                SearchRequest.Filter(propertyName: "hubspot_owner_id", operator: .eq, value: one),
                SearchRequest.Filter(propertyName: "source_type", operator: .eq, value: "CHAT"),
                SearchRequest.Filter(propertyName: "hs_pipeline_stage", operator: .eq, value: "1"),
            ]], limit: 3), by: setup.admin).views.map(\.record.id)
            XCTAssertEqual(old.count, 3)
            _ = try await desk.records.update(type: "tickets", old.map { ($0, ["hubspot_owner_id": two]) }, by: setup.admin)
            _ = try await desk.records.update(type: "tickets", old.map { ($0, ["hubspot_owner_id": one]) }, by: setup.admin)
            let (second, _) = try await Self.message(setup, from: "+33600000002")
            let loads = try await desk.routing.explanation(ticketID: second, by: setup.admin)?.decision.candidates.map(\.load)
            XCTAssertEqual(loads, [4, 2])
        }
    }

    func testA5LoadFollowsTheStatusesThePipelineCallsOpenAndCapacityCountsEveryOpenTicket() async throws {
        let clock = Clock()
        try await TestDatabases.each(clock: { clock.read() }) { desk in
            let setup = try await setUp(desk, agents: 2) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: ids) }
            let (one, two) = (setup.agents[0].user.id, setup.agents[1].user.id)
            func chats(_ count: Int, owner: String, stage: String) async throws {
                _ = try await desk.records.create(type: "tickets", (0..<count).map { n in
                    RecordInput(properties: ["subject": "Chat \(n)", "hs_pipeline": "0", "hs_pipeline_stage": stage,
                                             "source_type": "CHAT", "hubspot_owner_id": owner])
                }, by: setup.admin)
            }
            try await chats(3, owner: one, stage: "1")
            clock.advance(days: 31)
            try await chats(2, owner: two, stage: "2")
            _ = try await desk.routing.setProfile(RoutingProfile(capacity: [.messages: 3]), userID: one, by: setup.admin)
            let (first, owner) = try await Self.message(setup, from: "+33600000011")
            XCTAssertEqual(owner, two, "agent 1's three old chats are out of the 30 days, yet fill a capacity of three")
            let decision = try await desk.routing.explanation(ticketID: first, by: setup.admin)?.decision
            XCTAssertEqual(decision?.candidates.map(\.excluded), [.atCapacity, nil])
            XCTAssertEqual(decision?.candidates.first?.openTickets, 3)

            _ = try await desk.routing.setProfile(RoutingProfile(), userID: one, by: setup.admin)
            _ = try await desk.pipelines.updateStage(type: "tickets", pipelineID: "0", stageID: "2", label: nil, displayOrder: nil,
                                                     metadata: ["ticketState": "CLOSED"], replace: false, by: setup.admin)
            let (second, _) = try await Self.message(setup, from: "+33600000012")
            let loads = try await desk.routing.explanation(ticketID: second, by: setup.admin)?.decision.candidates.map(\.load)
            XCTAssertEqual(loads, [0, 1], "once status 2 closes tickets, agent 2's two chats in it no longer count")
        }
    }

    func testA4RoundRobinGivesEveryAgentTheSameCountWhenTicketsArriveTogetherOnTwoServers() async throws {
        try await TestDatabases.eachLocation { location in
            let first = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let setup = try await setUp(first, agents: 3) { ids in
                RoutingRule(assignment: .usersAndTeams, userIDs: ids, distribution: .roundRobin)
            }
            // On SQLite a second server is a second process on the file; one writer serves both.
            let shared: Bool = if case .postgres = location { true } else { false }
            let second = shared ? try await HelpDesk.open(location, logger: TestDatabases.logger) : first
            let owners = try await withThrowingTaskGroup(of: String?.self) { group in
                for n in 0..<18 {
                    group.addTask {
                        try await Self.message(setup, from: "+336000001\(n < 10 ? "0" : "")\(n)", desk: n % 2 == 0 ? first : second).owner
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1 ?? "nobody", default: 0] += 1 }
            }
            XCTAssertEqual(owners, Dictionary(uniqueKeysWithValues: setup.agents.map { ($0.user.id, 6) }))
            if shared { await second.close() }
            await first.close()
        }
    }

    func testA4CapacityHoldsWhenTicketsArriveTogetherOnTwoServers() async throws {
        try await TestDatabases.eachLocation { location in
            let first = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let setup = try await setUp(first, agents: 3) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: ids) }
            for agent in setup.agents {
                _ = try await first.routing.setProfile(RoutingProfile(capacity: [.messages: 3]), userID: agent.user.id, by: setup.admin)
            }
            let shared: Bool = if case .postgres = location { true } else { false }
            let second = shared ? try await HelpDesk.open(location, logger: TestDatabases.logger) : first
            let owners = try await withThrowingTaskGroup(of: String?.self) { group in
                for n in 0..<12 {
                    group.addTask {
                        try await Self.message(setup, from: "+336000002\(n < 10 ? "0" : "")\(n)", desk: n % 2 == 0 ? first : second).owner
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1 ?? "nobody", default: 0] += 1 }
            }
            var expected = Dictionary(uniqueKeysWithValues: setup.agents.map { ($0.user.id, 3) })
            expected["nobody"] = 3
            XCTAssertEqual(owners, expected, "each agent fills their three slots and no more; the rest wait")
            if shared { await second.close() }
            await first.close()
        }
    }

    func testA3TeamOnlyAndTheContactsOwner() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 2)
            let team = try await desk.people.createTeam(name: "Billing", memberEmails: ["agent1@example.com"])
            _ = try await desk.routing.setRule(RoutingRule(assignment: .teamOnly, teamIDs: [team.id]), channelID: setup.channel.id, by: setup.admin)
            let (teamTicket, owner) = try await Self.message(setup, from: "+33600000001")
            XCTAssertNil(owner)
            let read = try await desk.records.read(type: "tickets", ids: [teamTicket], options: ReadOptions(properties: ["hubspot_team_id"]),
                                                   by: setup.admin)
            XCTAssertEqual(read.first?.record.properties["hubspot_team_id"], team.id)

            _ = try await desk.records.create(type: "contacts", [
                RecordInput(properties: ["phone": "+33600000002", "hubspot_owner_id": setup.agents[1].user.id]),
            ], by: setup.admin)
            _ = try await desk.routing.setRule(RoutingRule(assignment: .contactOwner), channelID: setup.channel.id, by: setup.admin)
            let known = try await Self.message(setup, from: "+33600000002").owner
            XCTAssertEqual(known, setup.agents[1].user.id, "the known contact's owner")
            let unknown = try await Self.message(setup, from: "+33600000003").owner
            XCTAssertNil(unknown, "a new contact has no owner")
        }
    }

    func testA3RulesAndProfilesAreForAdminsAndCheckedBeforeTheyAreKept() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 1)
            let agent = setup.agents[0]
            do {
                _ = try await desk.routing.setRule(RoutingRule(assignment: .usersAndTeams, userIDs: [agent.user.id]), channelID: setup.channel.id, by: agent)
                XCTFail("an agent may not change a channel's routing")
            } catch HelpDeskError.forbidden {}
            do {
                _ = try await desk.routing.setRule(RoutingRule(assignment: .usersAndTeams, userIDs: ["999"]), channelID: setup.channel.id,
                                                   by: setup.admin)
                XCTFail("a rule naming nobody who exists is refused")
            } catch HelpDeskError.badRequest(let message) {
                XCTAssertEqual(message, "No user has the id 999.")
            }
            let kept = try await desk.routing.rule(channelID: setup.channel.id, by: setup.admin)
            XCTAssertEqual(kept, .nobody)
            do {
                _ = try await desk.routing.setProfile(RoutingProfile(capacity: [.calls: 2]), userID: agent.user.id, by: agent)
                XCTFail("agents do not set their own skills or capacity")
            } catch HelpDeskError.forbidden {}
            do {
                _ = try await desk.routing.profile(userID: setup.admin.user.id, by: agent)
                XCTFail("an agent reads only their own profile")
            } catch HelpDeskError.forbidden {}
            let accountant = try await desk.people.createUser(UserDraft(email: "books@example.com", roles: [.accountAccess]))
            do {
                _ = try await desk.routing.setStatus(.away, by: Caller(user: accountant, source: "TEST"))
                XCTFail("only those who work tickets have an availability")
            } catch HelpDeskError.forbidden {}
            let hours = try OpeningHours(timeZone: "Mars/Olympus", byName: ["monday": ["09:00-17:00"]])
            do {
                _ = try await desk.routing.setProfile(RoutingProfile(workingHours: hours), userID: agent.user.id, by: setup.admin)
                XCTFail("an unknown time zone is refused")
            } catch HelpDeskError.badRequest {}
        }
    }

    func testA7AnEmailInFrenchGoesToTheAvailableAgentWhoSpeaksIt() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 3)
            let channel = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: setup.admin)
            _ = try await desk.routing.setRule(RoutingRule(assignment: .usersAndTeams, userIDs: setup.agents.map(\.user.id),
                                                           skillProperties: ["hs_language"]), channelID: channel.id, by: setup.admin)
            let speaks = [["fr"], ["en"], ["fr", "en"]]
            for (agent, languages) in zip(setup.agents, speaks) {
                _ = try await desk.routing.setProfile(RoutingProfile(skills: Set(languages.map { Skill(property: "hs_language", value: $0) })),
                                                      userID: agent.user.id, by: setup.admin)
            }
            _ = try await desk.routing.setStatus(.away, by: setup.agents[0])
            let raw = Array(["From: Ada <ada@example.org>", "To: support@example.com", "Subject: Colis perdu", "Message-ID: <fr1@example.org>",
                             "Content-Language: fr-FR", "Content-Type: text/plain; charset=utf-8", "", "Bonjour", ""].joined(separator: "\r\n").utf8)
            let receipt = try await desk.inboundMail.receive(
                SMTPEnvelope(sender: "ada@example.org", recipients: ["support@example.com"], clientName: "mx.example.org", remoteAddress: "192.0.2.1"),
                raw: raw)
            let ticketID = try XCTUnwrap(receipt.ticketID)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(properties: ["hubspot_owner_id", "hs_language"]),
                                                     by: setup.admin)
            XCTAssertEqual(ticket.first?.record.properties["hs_language"], "fr")
            XCTAssertEqual(ticket.first?.record.properties["hubspot_owner_id"], setup.agents[2].user.id)
            let sentence = try await desk.routing.explanation(ticketID: ticketID, by: setup.admin)?.sentence
            XCTAssertEqual(sentence, "Routed to Agent 3, the only agent who could take it. Left out: Agent 1 (away), Agent 2 (lacks Language: fr).")
        }
    }

    func testA8ACallRingsTheAvailableAgentsOfTheRuleBeforeTheLinesNumbers() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 3)
            let line = try await desk.channels.create(ChannelDraft(kind: .call, address: "+33100000000", settings: ChannelSettings(
                signingSecret: "secret", forwardTo: ["+33199999999"])), by: setup.admin)
            _ = try await desk.routing.setRule(RoutingRule(assignment: .usersAndTeams, userIDs: setup.agents.map(\.user.id), distribution: .roundRobin),
                                               channelID: line.id, by: setup.admin)
            for (n, agent) in setup.agents.enumerated() {
                _ = try await desk.routing.setProfile(RoutingProfile(phone: "+3361000000\(n)"), userID: agent.user.id, by: setup.admin)
            }
            _ = try await desk.routing.setStatus(.away, by: setup.agents[1])
            let routed = try await desk.channels.get(id: line.id, by: setup.admin)
            let answer = try await desk.calls.incoming(on: routed, callID: "CA1", from: "+33700000001")
            XCTAssertEqual(answer, .connect(["+33610000000", "+33610000002", "+33199999999"]))
            let next = try await desk.calls.incoming(on: routed, callID: "CA2", from: "+33700000002")
            XCTAssertEqual(next, .connect(["+33610000002", "+33610000000", "+33199999999"]),
                           "the first call's ticket went to the first agent: the rotation goes on from them")
        }
    }

    func testA6WaitingTicketsGoOutOldestFirstWhenAnAgentComesBackOrHasRoom() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 1) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: ids) }
            let agent = setup.agents[0]
            _ = try await desk.routing.setProfile(RoutingProfile(capacity: [.messages: 2]), userID: agent.user.id, by: setup.admin)
            _ = try await desk.routing.setStatus(.away, by: agent)
            var waiting: [String] = []
            for n in 1...3 {
                let (ticketID, owner) = try await Self.message(setup, from: "+3360000000\(n)")
                XCTAssertNil(owner, "the only agent is away: the ticket waits")
                waiting.append(ticketID)
            }
            let none = try await desk.routing.assignWaiting()
            XCTAssertEqual(none, 0, "nobody came back yet")

            _ = try await desk.routing.setStatus(.available, by: agent)
            let given = try await desk.routing.assignWaiting()
            XCTAssertEqual(given, 2, "the agent takes as many as their capacity allows")
            func owners() async throws -> [String?] {
                let read = try await desk.records.read(type: "tickets", ids: waiting, options: ReadOptions(properties: ["hubspot_owner_id"]),
                                                       by: setup.admin)
                let byID = Dictionary(uniqueKeysWithValues: read.map { ($0.record.id, $0.record.properties["hubspot_owner_id"]) })
                return waiting.map { byID[$0] ?? nil }
            }
            let afterReturn = try await owners()
            XCTAssertEqual(afterReturn, [agent.user.id, agent.user.id, nil], "oldest first")

            _ = try await desk.records.update(type: "tickets", [(waiting[0], ["hs_pipeline_stage": "4"])], by: setup.admin)
            let more = try await desk.routing.assignWaiting()
            XCTAssertEqual(more, 1, "closing a ticket makes room for the last one")
            let afterClose = try await owners()
            XCTAssertEqual(afterClose[2], agent.user.id)
            let sentence = try await desk.routing.explanation(ticketID: waiting[2], by: setup.admin)?.sentence
            XCTAssertEqual(sentence, "Routed to Agent 1, the only agent who could take it.")
            let again = try await desk.routing.assignWaiting()
            XCTAssertEqual(again, 0, "nothing waits any more")
        }
    }

    func testA6AReopenedTicketWhoseOwnerIsAwayIsRoutedAgainWhenTheRuleSaysSo() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 2) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: ids, rerouteReopened: true) }
            let (first, second) = (setup.agents[0], setup.agents[1])
            let (ticketID, owner) = try await Self.message(setup, from: "+33600000001")
            XCTAssertEqual(owner, first.user.id)
            func ownerNow() async throws -> String? {
                try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(properties: ["hubspot_owner_id"]),
                                            by: setup.admin).first?.record.properties["hubspot_owner_id"]
            }
            _ = try await desk.records.update(type: "tickets", [(ticketID, ["hs_pipeline_stage": "4"])], by: setup.admin)
            _ = try await desk.records.update(type: "tickets", [(ticketID, ["hs_pipeline_stage": "1"])], by: setup.admin)
            let kept = try await desk.routing.rerouteReopened(ticketID: ticketID)
            XCTAssertFalse(kept, "an owner who is here keeps the reopened ticket")

            _ = try await desk.routing.setStatus(.away, by: first)
            let moved = try await desk.routing.rerouteReopened(ticketID: ticketID)
            XCTAssertTrue(moved)
            let secondOwner = try await ownerNow()
            XCTAssertEqual(secondOwner, second.user.id, "the owner is away: it goes to who is here")

            _ = try await desk.routing.setStatus(.away, by: second)
            _ = try await desk.routing.rerouteReopened(ticketID: ticketID)
            let nobody = try await ownerNow()
            XCTAssertNil(nobody, "with everyone away it waits, unassigned")
            _ = try await desk.routing.setStatus(.available, by: first)
            let given = try await desk.routing.assignWaiting()
            XCTAssertEqual(given, 1)
            let back = try await ownerNow()
            XCTAssertEqual(back, first.user.id, "and goes out as soon as someone is back")

            _ = try await desk.routing.setRule(RoutingRule(assignment: .usersAndTeams, userIDs: [first.user.id, second.user.id]),
                                               channelID: setup.channel.id, by: setup.admin)
            _ = try await desk.routing.setStatus(.away, by: first)
            _ = try await desk.routing.setStatus(.available, by: second)
            let untouched = try await desk.routing.rerouteReopened(ticketID: ticketID)
            XCTAssertFalse(untouched, "a rule without the switch leaves reopened tickets with their owner")
        }
    }

    func testA6AgentsWhoFollowOfficeHoursAreAvailableOnlyWhileTheirTeamsOrTheHelpDesksAreOpen() async throws {
        // Monday 1 June 2026, 10:00 in Paris (08:00 UTC).
        try await TestDatabases.each(clock: { Timestamp(millisecondsSince1970: 1_780_300_800_000) }) { desk in
            let setup = try await setUp(desk, agents: 2) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: ids) }
            let (paris, night) = (setup.agents[0], setup.agents[1])
            let team = try await desk.people.createTeam(name: "Night shift", memberEmails: ["agent2@example.com"])
            _ = try await desk.people.change(id: night.user.id, UserChange(teams: (team.id, [])), by: setup.admin)
            for agent in setup.agents {
                _ = try await desk.routing.setProfile(RoutingProfile(followsOfficeHours: true), userID: agent.user.id, by: setup.admin)
            }
            let days = try OpeningHours(timeZone: "Europe/Paris", byName: ["monday": ["09:00-17:00"]])
            let nights = try OpeningHours(timeZone: "Europe/Paris", byName: ["monday": ["20:00-24:00"]])
            try await desk.routing.setOfficeHours(try OfficeHours(hours: days), teamID: nil, by: setup.admin)
            try await desk.routing.setOfficeHours(try OfficeHours(hours: nights), teamID: team.id, by: setup.admin)
            let (first, owner) = try await Self.message(setup, from: "+33600000001")
            XCTAssertEqual(owner, paris.user.id, "the help desk is open; the night team's own hours are not")
            let why = try await desk.routing.explanation(ticketID: first, by: setup.admin)?.sentence
            XCTAssertEqual(why, "Routed to Agent 1, the only agent who could take it. Left out: Agent 2 (outside working hours).")

            try await desk.routing.setOfficeHours(try OfficeHours(hours: days, holidays: ["2026-06-01"]), teamID: nil, by: setup.admin)
            let (_, holiday) = try await Self.message(setup, from: "+33600000002")
            XCTAssertNil(holiday, "on a holiday of the help desk nobody who follows its hours is at work")
            let office = try await desk.routing.officeHours(by: paris)
            XCTAssertEqual(office.helpDesk?.holidays, ["2026-06-01"])
            XCTAssertEqual(office.teams[team.id]?.hours, nights)
        }
    }

    func testA3AChatflowHandingOverGivesTheTicketToTheRulesAgents() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 1)
            let bot = Chatbot(rules: [.init(keywords: ["refund"], answer: "Refunds take five days.")])
            let created = try await desk.channels.create(ChannelDraft(kind: .chat, address: "website", settings: ChannelSettings(chatbot: bot)),
                                                         by: setup.admin)
            _ = try await desk.routing.setRule(RoutingRule(assignment: .usersAndTeams, userIDs: [setup.agents[0].user.id]),
                                               channelID: created.id, by: setup.admin)
            let channel = try await desk.channels.get(id: created.id, by: setup.admin)
            let found = try await desk.liveChat.visitor(token: LiveChat.newToken())
            let visitor = try XCTUnwrap(found)
            try await desk.liveChat.say("How long for a refund?", visitor: visitor, on: channel)
            let (botChat, _) = try await desk.liveChat.transcript(for: visitor, on: channel)
            XCTAssertNil(botChat?.ticketID, "no ticket, so nothing to route, while the bot answers")
            try await desk.liveChat.say("I want a human", visitor: visitor, on: channel)
            let (chat, _) = try await desk.liveChat.transcript(for: visitor, on: channel)
            let ticketID = try XCTUnwrap(chat?.ticketID)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(properties: ["hubspot_owner_id"]),
                                                     by: setup.admin)
            XCTAssertEqual(ticket.first?.record.properties["hubspot_owner_id"], setup.agents[0].user.id)
            let why = try await desk.routing.explanation(ticketID: ticketID, by: setup.admin)
            XCTAssertEqual(why?.decision.workType, .messages)
        }
    }

    func testA6ABacklogNobodyCanTakeYetDoesNotHoldBackTheTicketsBehindIt() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk, agents: 2) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: [ids[0]]) }
            let (first, second) = (setup.agents[0], setup.agents[1])
            let other = try await desk.channels.create(ChannelDraft(kind: .custom, address: "other"), by: setup.admin)
            _ = try await desk.routing.setRule(RoutingRule(assignment: .usersAndTeams, userIDs: [second.user.id]), channelID: other.id,
                                               by: setup.admin)
            _ = try await desk.routing.setStatus(.away, by: first)
            _ = try await desk.routing.setStatus(.away, by: second)
            var waiting: [String] = []
            for n in 0..<30 { waiting.append(try await Self.message(setup, from: "+336100000\(n < 10 ? "0" : "")\(n)").ticketID) }
            let late = try await desk.channelMessages.publish(CustomerMessage(customerAddress: "+33620000000", text: "Hello"),
                                                              channelID: other.id, by: setup.admin).receipt.ticketID
            _ = try await desk.routing.setStatus(.available, by: second)
            let given = try await desk.routing.assignWaiting()
            XCTAssertEqual(given, 1, "the thirty older tickets wait for the first agent; the one behind them goes out")
            let ticket = try await desk.records.read(type: "tickets", ids: [try XCTUnwrap(late)], options: ReadOptions(properties: ["hubspot_owner_id"]),
                                                     by: setup.admin)
            XCTAssertEqual(ticket.first?.record.properties["hubspot_owner_id"], second.user.id)

            try await desk.people.deactivate(id: first.user.id, by: setup.admin)
            let none = try await desk.routing.assignWaiting()
            XCTAssertEqual(none, 0)
            let why = try await desk.routing.explanation(ticketID: waiting[0], by: setup.admin)?.sentence
            XCTAssertEqual(why, "Left unassigned: none of the rule's agents could take it. Left out: Agent 1 (deactivated).",
                           "with its only agent gone, the ticket no longer waits, and says why")
        }
    }
}
