import Foundation
import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskStore
import HelpDeskTestSupport
import XCTest

/// A10 on each database: agents hear of tickets assigned to them, new unassigned tickets in their
/// teams, customers' replies on their tickets and mentions, in the workspace and by mail in
/// batches, as each chose over the super admin's defaults.
final class NotificationTests: XCTestCase {
    struct Desk {
        let desk: HelpDesk
        let admin: Caller
        let agents: [Caller]
        let channel: Channel
    }

    func setUp(_ desk: HelpDesk, rule: ([String]) -> RoutingRule) async throws -> Desk {
        let people = try await TestPeople.make(on: desk)
        var agents: [Caller] = []
        for n in 1...3 {
            let user = try await desk.people.createUser(UserDraft(email: "agent\(n)@example.com", firstName: "Agent", lastName: "\(n)",
                                                                  roles: [.helpDeskAccess], serviceSeat: true))
            agents.append(Caller(user: user, source: "TEST"))
        }
        let channel = try await desk.channels.create(ChannelDraft(kind: .custom, address: "sms"), by: people.admin)
        _ = try await desk.routing.setRule(rule(agents.map(\.user.id)), channelID: channel.id, by: people.admin)
        // Notifications follow the feed from their consumer's first run on.
        try await desk.notifications.catchUp()
        return Desk(desk: desk, admin: people.admin, agents: agents, channel: channel)
    }

    @discardableResult
    func message(_ setup: Desk, from customer: String, text: String = "Hello") async throws -> String {
        let receipt = try await setup.desk.channelMessages.publish(
            CustomerMessage(customerAddress: customer, customerPhone: customer, text: text), channelID: setup.channel.id, by: setup.admin).receipt
        return try XCTUnwrap(receipt.ticketID)
    }

    func notices(_ setup: Desk, of caller: Caller) async throws -> [String] {
        try await setup.desk.notifications.catchUp()
        return try await setup.desk.notifications.list(unreadOnly: false, before: nil, limit: 100, by: caller).notifications
            .reversed().map { "\($0.kind.rawValue) \($0.text)" }
    }

    func subject(_ setup: Desk, _ ticketID: String) async throws -> String {
        try await setup.desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(properties: ["subject"]), by: setup.admin)
            .first?.record.properties["subject"] ?? ""
    }

    func testA10ATicketAssignedToMeNotifiesMeButNotWhenIAssignItMyself() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: [ids[0]]) }
            let (one, two) = (setup.agents[0], setup.agents[1])
            let ticket = try await message(setup, from: "+33600000001")
            let subject = try await subject(setup, ticket)
            let routed = try await notices(setup, of: one)
            XCTAssertEqual(routed, ["ASSIGNED Assigned to you: \(subject)"], "routing gave it to agent 1")

            _ = try await desk.records.update(type: "tickets", [(ticket, ["hubspot_owner_id": two.user.id])], by: two)
            let taken = try await notices(setup, of: two)
            XCTAssertEqual(taken, [], "taking a ticket oneself tells nobody")
            _ = try await desk.records.update(type: "tickets", [(ticket, ["hubspot_owner_id": one.user.id])], by: setup.admin)
            let back = try await notices(setup, of: one)
            XCTAssertEqual(back.count, 2, "the admin gave it back")
            let unread = try await desk.notifications.unreadCount(by: one)
            XCTAssertEqual(unread, 2)
            let others = try await notices(setup, of: setup.agents[2])
            XCTAssertEqual(others, [])
        }
    }

    func testA10R8ANewUnassignedTicketInMyTeamNotifiesItsMembersWhoMaySeeIt() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk) { _ in .nobody }
            let ownOnly = Caller(user: try await desk.people.createUser(UserDraft(
                email: "own@example.com", roles: [.helpDeskAccess], serviceSeat: true, ticketScope: .own)), source: "TEST")
            let team = try await desk.people.createTeam(name: "Billing",
                                                        memberEmails: ["agent1@example.com", "agent2@example.com", "own@example.com"])
            _ = try await desk.routing.setRule(RoutingRule(assignment: .teamOnly, teamIDs: [team.id]), channelID: setup.channel.id, by: setup.admin)
            let ticket = try await message(setup, from: "+33600000002")
            let subject = try await subject(setup, ticket)
            for member in setup.agents.prefix(2) {
                let heard = try await notices(setup, of: member)
                XCTAssertEqual(heard, ["NEW_UNASSIGNED_IN_TEAM New unassigned ticket in Billing: \(subject)"])
            }
            let outsider = try await notices(setup, of: setup.agents[2])
            XCTAssertEqual(outsider, [], "agent 3 is not in Billing")
            let unseen = try await notices(setup, of: ownOnly)
            XCTAssertEqual(unseen, [], "R8: a member who sees only their own tickets does not hear of the team's")
        }
    }

    func testA10ACustomerReplyOnMyTicketNotifiesItsOwnerButTheMessageThatOpenedItDoesNot() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: [ids[0]]) }
            let ticket = try await message(setup, from: "+33600000003", text: "My printer is on fire")
            let subject = try await subject(setup, ticket)
            let again = try await message(setup, from: "+33600000003", text: "Still burning")
            XCTAssertEqual(again, ticket, "the second message joins the conversation")
            let heard = try await notices(setup, of: setup.agents[0])
            XCTAssertEqual(heard, ["ASSIGNED Assigned to you: \(subject)", "CUSTOMER_REPLY Customer replied on \(subject): Still burning"])
        }
    }

    func testA10AnAutomaticAnswerIsNotACustomersReply() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk) { _ in .nobody }
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: setup.admin)
            @discardableResult func mail(_ id: String, headers: [String] = []) async throws -> InboundMail.Receipt {
                let raw = Array((["From: Ada <ada@example.org>", "To: support@example.com", "Subject: Printer on fire", "Message-ID: <\(id)>"]
                    + headers + ["Content-Type: text/plain; charset=utf-8", "", "Any news?", ""]).joined(separator: "\r\n").utf8)
                return try await desk.inboundMail.receive(SMTPEnvelope(sender: "ada@example.org", recipients: ["support@example.com"],
                                                                       clientName: "mx.example.org", remoteAddress: "192.0.2.1"), raw: raw)
            }
            let first = try await mail("n1@example.org")
            let ticket = try XCTUnwrap(first.ticketID)
            _ = try await desk.records.update(type: "tickets", [(ticket, ["hubspot_owner_id": setup.agents[0].user.id])], by: setup.admin)
            try await mail("n2@example.org", headers: ["In-Reply-To: <n1@example.org>", "Auto-Submitted: auto-replied"])
            try await mail("n3@example.org", headers: ["In-Reply-To: <n1@example.org>"])
            let heard = try await notices(setup, of: setup.agents[0])
            XCTAssertEqual(heard, ["ASSIGNED Assigned to you: Printer on fire", "CUSTOMER_REPLY Customer replied on Printer on fire: Any news?"],
                           "the out-of-office answer in between tells nobody")
        }
    }

    func testA10EachUserChoosesAndTheirChoiceWinsOverTheSuperAdminsDefaults() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: [ids[0], ids[1]], distribution: .roundRobin) }
            let (one, two) = (setup.agents[0], setup.agents[1])
            do {
                _ = try await desk.notifications.setDefaults(NotificationPreferences(), by: one)
                XCTFail("only a super admin sets everyone's defaults")
            } catch HelpDeskError.forbidden {}
            let off = NotificationPreferences([.assigned: .init(workspace: false, email: false)])
            let defaults = try await desk.notifications.setDefaults(off, by: setup.admin)
            XCTAssertEqual(defaults.defaults, off)
            let mine = try await desk.notifications.setOwn(NotificationPreferences([.assigned: .init(workspace: true, email: false)]), by: one)
            XCTAssertEqual(mine.delivery(of: .assigned), .init(workspace: true, email: false), "agent 1's own choice wins")
            XCTAssertEqual(mine.delivery(of: .mention), .init(workspace: true, email: true), "kinds nobody chose follow the built-in default")
            try await message(setup, from: "+33600000004")
            try await message(setup, from: "+33600000005")
            let first = try await notices(setup, of: one)
            XCTAssertEqual(first.count, 1)
            let second = try await notices(setup, of: two)
            XCTAssertEqual(second, [], "agent 2 follows the default: assignments are off")

            // Mentions follow the choice too.
            _ = try await desk.notifications.setOwn(NotificationPreferences([.mention: .init(workspace: false, email: false)]), by: one)
            let conversations = try await desk.conversations.list(by: setup.admin).conversations
            let conversation = try XCTUnwrap(conversations.first)
            _ = try await desk.conversations.comment(conversationID: conversation.id, text: "@agent1 and @agent2, look", by: setup.admin)
            let mentioned = try await desk.notifications.list(unreadOnly: true, before: nil, limit: 10, by: two).notifications.map(\.kind)
            XCTAssertEqual(mentioned, [.mention])
            let quiet = try await desk.notifications.list(unreadOnly: true, before: nil, limit: 10, by: one).notifications.map(\.kind)
            XCTAssertEqual(quiet, [.assigned], "agent 1 turned mentions off")
        }
    }

    func testA10MailGathersWhatHappenedAndGoesAtMostOnceIn15Minutes() async throws {
        let clock = TestClock(start: 1_780_000_000_000)
        try await TestDatabases.each(clock: clock.now) { desk in
            let setup = try await setUp(desk) { ids in RoutingRule(assignment: .usersAndTeams, userIDs: [ids[0]]) }
            let none = try await desk.notifications.mailDue(links: "https://desk.example.com/")
            XCTAssertEqual(none, 0)
            for n in 0..<5 { try await message(setup, from: "+3360000001\(n)") }
            try await desk.notifications.catchUp()
            let waiting = try await desk.notifications.mailDue(links: "https://desk.example.com/")
            XCTAssertEqual(waiting, 0, "without a team address, the mail waits")
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: setup.admin)
            let sent = try await desk.notifications.mailDue(links: "https://desk.example.com/")
            XCTAssertEqual(sent, 1, "five assignments, one mail")
            let mails = try await outgoing(desk)
            XCTAssertEqual(mails.count, 1)
            XCTAssertEqual(mails.first?.to.map(\.address), ["agent1@example.com"])
            XCTAssertEqual(mails.first?.subject, "5 new notifications")
            XCTAssertEqual(mails.first?.text?.components(separatedBy: "Assigned to you: ").count, 6)
            XCTAssertTrue(mails.first?.text?.contains("https://desk.example.com/tickets/") == true)

            try await message(setup, from: "+33600000020")
            try await desk.notifications.catchUp()
            let soon = try await desk.notifications.mailDue(links: "https://desk.example.com")
            XCTAssertEqual(soon, 0, "the next waits for 15 minutes after the last")
            clock.advance(by: 16 * 60 * 1000)
            let later = try await desk.notifications.mailDue(links: "https://desk.example.com")
            XCTAssertEqual(later, 1)
            let next = try await outgoing(desk)
            XCTAssertEqual(next.first?.subject.hasPrefix("Assigned to you: "), true, "one notification, its own subject")
        }
    }

    /// The mail waiting in the outbox since the last call, as the relay would receive it.
    private func outgoing(_ desk: HelpDesk) async throws -> [MailMessage] {
        let entries = try await desk.database.write { session -> [OutboxEntry] in
            var entries: [OutboxEntry] = []
            for job in try await session.leaseDueJobs(kinds: ["mail.deliver"], now: Timestamp.now(), lease: .seconds(300), limit: 100) {
                if let entry = try await session.outboxEntry(id: Int64(job.payload) ?? 0) { entries.append(entry) }
            }
            return entries
        }
        return try entries.map { try MailMessage(parsing: Array($0.data)) }
    }
}
