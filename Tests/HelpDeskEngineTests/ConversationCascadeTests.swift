import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskTestSupport
import NIOConcurrencyHelpers
import XCTest

/// C4-C7 and R6 on stored tickets and conversations, on each database.
final class ConversationCascadeTests: XCTestCase {
    /// A clock the test moves by hand.
    final class TestClock: Sendable {
        let now = NIOLockedValueBox(Timestamp(millisecondsSince1970: 1_800_000_000_000))
        func advance(days: Int64) { now.withLockedValue { $0 = $0.adding(milliseconds: days * 86_400_000) } }
        var read: @Sendable () -> Timestamp { { self.now.withLockedValue { $0 } } }
    }

    func mail(_ desk: HelpDesk, subject: String, id: String, from: String = "ada@example.org",
              to: String = "support@example.com") async throws -> InboundMail.Receipt {
        let raw = Array(["From: \(from)", "To: \(to)", "Subject: \(subject)", "Message-ID: <\(id)>",
                         "Content-Type: text/plain; charset=utf-8", "", "Hello", ""].joined(separator: "\r\n").utf8)
        return try await desk.inboundMail.receive(
            SMTPEnvelope(sender: from, recipients: [to], clientName: "mx.example.org", remoteAddress: "192.0.2.1"), raw: raw)
    }

    func setUp(_ desk: HelpDesk) async throws -> TestPeople {
        let people = try await TestPeople.make(on: desk)
        _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
        _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "sales@example.com", createsTickets: false), by: people.admin)
        return people
    }

    func stage(_ desk: HelpDesk, _ ticketID: String, _ stage: String, by caller: Caller) async throws {
        _ = try await desk.records.update(type: "tickets", [(ticketID, ["hs_pipeline_stage": stage])], by: caller)
    }

    func status(_ desk: HelpDesk, _ id: String, _ caller: Caller) async throws -> Conversation.Status {
        try await desk.conversations.get(id: id, by: caller).status
    }

    func testC6ClosingTheTicketClosesItsConversationAndReopeningReopensIt() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let receipt = try await self.mail(desk, subject: "Printer on fire", id: "c6a@example.org")
            let ticketID = try XCTUnwrap(receipt.ticketID)
            try await self.stage(desk, ticketID, "2", by: people.agent)
            let stillOpen = try await self.status(desk, receipt.conversationID, people.agent)
            XCTAssertEqual(stillOpen, .open, "an OPEN to OPEN move changes nothing")
            try await self.stage(desk, ticketID, "4", by: people.agent)
            let closed = try await desk.conversations.get(id: receipt.conversationID, by: people.agent)
            XCTAssertEqual(closed.status, .closed)
            XCTAssertNotNil(closed.closedAt)
            try await self.stage(desk, ticketID, "1", by: people.agent)
            let reopened = try await self.status(desk, receipt.conversationID, people.agent)
            XCTAssertEqual(reopened, .open)
        }
    }

    func testC6ReopeningWithTwoConversationsReopensNone() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let first = try await self.mail(desk, subject: "Refund", id: "c6b1@example.org")
            let second = try await self.mail(desk, subject: "Also this", id: "c6b2@example.org", to: "sales@example.com")
            let ticketID = try XCTUnwrap(first.ticketID)
            _ = try await desk.conversations.attach(conversationID: second.conversationID, toTicket: ticketID, by: people.agent)
            try await self.stage(desk, ticketID, "4", by: people.agent)
            for id in [first.conversationID, second.conversationID] {
                let status = try await self.status(desk, id, people.agent)
                XCTAssertEqual(status, .closed)
            }
            try await self.stage(desk, ticketID, "3", by: people.agent)
            for id in [first.conversationID, second.conversationID] {
                let status = try await self.status(desk, id, people.agent)
                XCTAssertEqual(status, .closed, "with two conversations nobody can tell which to reopen")
            }
        }
    }

    func testC6ClosingOneConversationLeavesTheTicketAndTheOthersOpen() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let first = try await self.mail(desk, subject: "Refund", id: "c6c1@example.org")
            let second = try await self.mail(desk, subject: "Also this", id: "c6c2@example.org", to: "sales@example.com")
            let ticketID = try XCTUnwrap(first.ticketID)
            _ = try await desk.conversations.attach(conversationID: second.conversationID, toTicket: ticketID, by: people.agent)
            let closed = try await desk.conversations.update(id: first.conversationID, .init(status: .closed), by: people.agent)
            XCTAssertEqual(closed.status, .closed)
            let other = try await self.status(desk, second.conversationID, people.agent)
            XCTAssertEqual(other, .open)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(), by: people.agent)[0]
            XCTAssertEqual(ticket.record.properties["hs_pipeline_stage"], "1")
        }
    }

    func testC5ConversationOwnerBecomesTicketOwnerButNotTheOtherWay() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let receipt = try await self.mail(desk, subject: "Refund", id: "c5@example.org")
            let ticketID = try XCTUnwrap(receipt.ticketID)
            let assigned = try await desk.conversations.update(id: receipt.conversationID, .init(ownerID: .some(people.agent.user.id)),
                                                               by: people.admin)
            XCTAssertEqual(assigned.ownerID, people.agent.user.id)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID],
                                                     options: ReadOptions(propertiesWithHistory: ["hubspot_owner_id"]), by: people.admin)[0]
            XCTAssertEqual(ticket.record.properties["hubspot_owner_id"], people.agent.user.id)
            XCTAssertEqual(ticket.history.first?.1.first?.newValue, people.agent.user.id, "the change is on the ticket's timeline")

            _ = try await desk.records.update(type: "tickets", [(ticketID, ["hubspot_owner_id": people.admin.user.id])], by: people.admin)
            let conversation = try await desk.conversations.get(id: receipt.conversationID, by: people.admin)
            XCTAssertEqual(conversation.ownerID, people.agent.user.id, "a ticket's owner never changes its conversations")

            do {
                _ = try await desk.conversations.update(id: receipt.conversationID, .init(ownerID: .some("999")), by: people.admin)
                XCTFail("an unknown owner is refused")
            } catch let error as HelpDeskError {
                XCTAssertTrue(error.message.contains("999"), error.message)
            }
        }
    }

    func testC4AConversationBecomesOneTicketAndNeverLeavesIt() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let inbox = try await self.mail(desk, subject: "Quote please", id: "c4@example.org", to: "sales@example.com")
            XCTAssertNil(inbox.ticketID)
            _ = try await desk.conversations.update(id: inbox.conversationID, .init(ownerID: .some(people.agent.user.id)), by: people.admin)
            let (ticket, conversation) = try await desk.conversations.createTicket(
                conversationID: inbox.conversationID, properties: ["hs_ticket_priority": "HIGH"], by: people.agent)
            XCTAssertEqual(conversation.ticketID, ticket.id)
            let stored = try await desk.records.read(type: "tickets", ids: [ticket.id],
                                                     options: ReadOptions(properties: ["subject", "hubspot_owner_id", "hs_pipeline_stage",
                                                                                      "hs_ticket_priority", "content"],
                                                                          associations: ["contacts"]), by: people.agent)[0]
            XCTAssertEqual(stored.record.properties["subject"], "Quote please")
            XCTAssertEqual(stored.record.properties["hubspot_owner_id"], people.agent.user.id)
            XCTAssertEqual(stored.record.properties["hs_pipeline_stage"], "1")
            XCTAssertEqual(stored.record.properties["hs_ticket_priority"], "HIGH")
            XCTAssertEqual(stored.record.properties["content"], "Hello")
            XCTAssertEqual(stored.associations.first?.1.first?.toObjectID, conversation.contactID, "the contact comes along")
            let inboxAfter = try await desk.conversations.list(inboxOnly: true, by: people.agent)
            XCTAssertEqual(inboxAfter.conversations.map(\.id), [], "it left the inbox")

            for attempt in 0..<2 {
                do {
                    if attempt == 0 {
                        _ = try await desk.conversations.createTicket(conversationID: inbox.conversationID, properties: [:], by: people.agent)
                    } else {
                        let other = try await desk.records.create(type: "tickets", [RecordInput(properties: [
                            "subject": "Other", "hs_pipeline": "0", "hs_pipeline_stage": "1"])], by: people.agent)[0]
                        _ = try await desk.conversations.attach(conversationID: inbox.conversationID, toTicket: other.id, by: people.agent)
                    }
                    XCTFail("a conversation belongs to at most one ticket")
                } catch HelpDeskError.conflict(let message) {
                    XCTAssertTrue(message.contains(ticket.id), message)
                }
            }
            let tickets = try await desk.records.search(type: "tickets", SearchRequest(), by: people.agent)
            XCTAssertEqual(tickets.total, 2, "the refused second ticket was not stored")
        }
    }

    func testC7TrashingAConversationDeletesItsTicketAndRestoringBringsBothBack() async throws {
        let clock = TestClock()
        try await TestDatabases.each(clock: clock.read) { desk in
            let people = try await self.setUp(desk)
            let first = try await self.mail(desk, subject: "Refund", id: "c7a1@example.org")
            let second = try await self.mail(desk, subject: "More", id: "c7a2@example.org", to: "sales@example.com")
            let ticketID = try XCTUnwrap(first.ticketID)
            _ = try await desk.conversations.attach(conversationID: second.conversationID, toTicket: ticketID, by: people.agent)

            try await desk.conversations.trash(id: first.conversationID, by: people.agent)
            let live = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(), by: people.agent)
            XCTAssertEqual(live.count, 0, "the ticket is deleted")
            let trash = try await desk.conversations.list(trashed: true, by: people.agent)
            XCTAssertEqual(Set(trash.conversations.map(\.id)), [first.conversationID, second.conversationID])
            let open = try await desk.conversations.list(by: people.agent)
            XCTAssertEqual(open.conversations.count, 0)

            clock.advance(days: 29)
            let restored = try await desk.conversations.restore(id: second.conversationID, by: people.agent)
            XCTAssertNil(restored.trashedAt)
            let back = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(), by: people.agent)
            XCTAssertEqual(back.count, 1, "the ticket is restored with it")
            let conversations = try await desk.conversations.list(ticketID: ticketID, by: people.agent)
            XCTAssertEqual(conversations.conversations.count, 2, "and the conversation deleted with the ticket")
        }
    }

    func testC7DeletingATicketTrashesItsConversationsAndThePurgeEmptiesTheTrashAfterThirtyDays() async throws {
        let clock = TestClock()
        try await TestDatabases.each(clock: clock.read) { desk in
            let people = try await self.setUp(desk)
            let receipt = try await self.mail(desk, subject: "Refund", id: "c7b@example.org")
            let inbox = try await self.mail(desk, subject: "Spam", id: "c7b2@example.org", to: "sales@example.com")
            let ticketID = try XCTUnwrap(receipt.ticketID)
            try await desk.records.archive(type: "tickets", ids: [ticketID], by: people.agent)
            try await desk.conversations.trash(id: inbox.conversationID, by: people.agent)
            let trash = try await desk.conversations.list(trashed: true, by: people.agent)
            XCTAssertEqual(Set(trash.conversations.map(\.id)), [receipt.conversationID, inbox.conversationID])

            let keptForNow = try await desk.conversations.purgeTrash()
            XCTAssertEqual(keptForNow, 0)
            clock.advance(days: 30)
            do {
                _ = try await desk.conversations.restore(id: receipt.conversationID, by: people.agent)
                XCTFail("past the retention a conversation cannot be restored")
            } catch HelpDeskError.conflict(let message) {
                XCTAssertTrue(message.contains("30 days"), message)
            }
            let purged = try await desk.conversations.purgeTrash()
            XCTAssertEqual(purged, 2)
            let after = try await desk.conversations.list(trashed: true, by: people.agent)
            XCTAssertEqual(after.conversations.count, 0)
        }
    }

    func testR6MentionsNotifyTeammatesWhoMaySeeTheConversation() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let ann = try await desk.people.createUser(UserDraft(email: "ann.lee@example.com", firstName: "Ann", lastName: "Lee"))
            let own = try await desk.people.createUser(UserDraft(email: "olga@example.com", firstName: "Olga", ticketScope: .own))
            let receipt = try await self.mail(desk, subject: "Refund", id: "r6@example.org")
            let offered = try await desk.conversations.mentionable(conversationID: receipt.conversationID, by: people.agent)
            XCTAssertEqual(offered.map(\.handle).sorted(), ["admin", "ann.lee"],
                           "the completion offers teammates who may see the ticket, not the author nor Olga")
            let comment = try await desk.conversations.comment(
                conversationID: receipt.conversationID, text: "@ann can you check? @olga too. Customer is ada@example.org", by: people.agent)
            XCTAssertEqual(comment.direction, .comment)

            let annCaller = Caller(user: ann, source: "TEST")
            let notices = try await desk.notifications.list(unreadOnly: true, before: nil, limit: 10, by: annCaller)
            XCTAssertEqual(notices.notifications.count, 1)
            let notice = try XCTUnwrap(notices.notifications.first)
            XCTAssertEqual(notice.kind, .mention)
            XCTAssertEqual(notice.conversationID, receipt.conversationID)
            XCTAssertEqual(notice.ticketID, receipt.ticketID)
            XCTAssertEqual(notice.actorID, people.agent.user.id)
            let olgas = try await desk.notifications.list(unreadOnly: false, before: nil, limit: 10, by: Caller(user: own, source: "TEST"))
            XCTAssertEqual(olgas.notifications.count, 0, "Olga sees only her own tickets, so she is not sent where she cannot go")
            let agents = try await desk.notifications.list(unreadOnly: false, before: nil, limit: 10, by: people.agent)
            XCTAssertEqual(agents.notifications.count, 0, "nobody else's notifications show")

            let marked = try await desk.notifications.markRead(ids: nil, by: annCaller)
            XCTAssertEqual(marked, 1)
            let unread = try await desk.notifications.list(unreadOnly: true, before: nil, limit: 10, by: annCaller)
            XCTAssertEqual(unread.notifications.count, 0)

            let messages = try await desk.conversations.messages(conversationID: receipt.conversationID, by: people.agent)
            XCTAssertEqual(messages.map(\.direction), [.incoming, .comment])
            XCTAssertNil(messages.last?.delivery, "a comment never goes to the outbox")
        }
    }

    func testC7TrashingTwoConversationsOfOneTicketAtOnceNeverDeadlocks() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            for round in 0..<4 {
                let first = try await self.mail(desk, subject: "Round \(round)", id: "dl\(round)a@example.org")
                let second = try await self.mail(desk, subject: "Round \(round) too", id: "dl\(round)b@example.org", to: "sales@example.com")
                let ticketID = try XCTUnwrap(first.ticketID)
                _ = try await desk.conversations.attach(conversationID: second.conversationID, toTicket: ticketID, by: people.agent)
                let agent = people.agent
                let outcomes = await withTaskGroup(of: String.self) { group in
                    for id in [first.conversationID, second.conversationID] {
                        group.addTask {
                            do {
                                _ = try await desk.conversations.trash(id: id, by: agent)
                                return "trashed"
                            } catch HelpDeskError.notFound {
                                return "already gone"
                            } catch {
                                return "failed: \(error)"
                            }
                        }
                    }
                    group.addTask {
                        do {
                            _ = try await desk.records.update(type: "tickets", [(ticketID, ["hs_pipeline_stage": "4"])], by: agent)
                            return "closed"
                        } catch HelpDeskError.notFound {
                            return "already gone"
                        } catch {
                            return "failed: \(error)"
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                XCTAssertFalse(outcomes.contains { $0.hasPrefix("failed") }, "\(outcomes)")
                let trash = try await desk.conversations.list(ticketID: ticketID, trashed: true, by: people.agent)
                XCTAssertEqual(trash.conversations.count, 2)
            }
        }
    }

    func testA2ReplyingToAnUnassignedTicketAssignsItAndItsConversationToTheAgent() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let first = try await self.mail(desk, subject: "Printer on fire", id: "a2-1@example.org")
            let ticketID = try XCTUnwrap(first.ticketID)
            _ = try await desk.conversations.reply(conversationID: first.conversationID, ReplyDraft(text: "On it."), by: people.agent)
            let conversation = try await desk.conversations.get(id: first.conversationID, by: people.admin)
            XCTAssertEqual(conversation.ownerID, people.agent.user.id)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID],
                                                     options: ReadOptions(properties: [Record.ownerProperty]), by: people.admin)
            XCTAssertEqual(ticket.first?.record.properties[Record.ownerProperty], people.agent.user.id)

            let second = try await self.mail(desk, subject: "Toner", id: "a2-2@example.org")
            _ = try await desk.conversations.update(id: second.conversationID, .init(ownerID: .some(people.admin.user.id)), by: people.admin)
            _ = try await desk.conversations.reply(conversationID: second.conversationID, ReplyDraft(text: "Helping out."), by: people.agent)
            let kept = try await desk.conversations.get(id: second.conversationID, by: people.admin)
            XCTAssertEqual(kept.ownerID, people.admin.user.id, "a reply does not take an assigned ticket")
        }
    }

    func testR1TheDefaultReplyAnswersTheLatestMessageWhoeverWroteIt() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let first = try await self.mail(desk, subject: "Printer on fire", id: "r1-1@example.org")
            let reply = try await desk.conversations.reply(conversationID: first.conversationID, ReplyDraft(text: "On it."),
                                                           by: people.agent)
            XCTAssertEqual(reply.inReplyTo, "r1-1@example.org")
            let followUp = try await desk.conversations.reply(conversationID: first.conversationID, ReplyDraft(text: "Fixed now."),
                                                              by: people.agent)
            XCTAssertEqual(followUp.inReplyTo, reply.messageID, "the latest message is the agent's own reply")
        }
    }

    func testC3AReplyToAThreadInTheTrashBringsItBackWithItsTicketInsteadOfANewOne() async throws {
        try await TestDatabases.each { desk in
            let people = try await self.setUp(desk)
            let first = try await self.mail(desk, subject: "Printer on fire", id: "c3t-1@example.org")
            let ticketID = try XCTUnwrap(first.ticketID)
            try await desk.conversations.trash(id: first.conversationID, by: people.admin)
            let raw = Array(["From: ada@example.org", "To: support@example.com", "Subject: Re: Printer on fire",
                             "Message-ID: <c3t-2@example.org>", "In-Reply-To: <c3t-1@example.org>", "", "Still burning", ""]
                .joined(separator: "\r\n").utf8)
            let reply = try await desk.inboundMail.receive(
                SMTPEnvelope(sender: "ada@example.org", recipients: ["support@example.com"], clientName: "mx", remoteAddress: nil), raw: raw)
            XCTAssertEqual(reply.conversationID, first.conversationID)
            XCTAssertEqual(reply.ticketID, ticketID)
            let back = try await desk.conversations.get(id: first.conversationID, by: people.admin)
            XCTAssertNil(back.trashedAt)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(), by: people.admin)
            XCTAssertEqual(ticket.count, 1, "the ticket came back with its thread")
            let tickets = try await desk.records.search(type: "tickets", SearchRequest(), by: people.admin)
            XCTAssertEqual(tickets.total, 1, "no new ticket")
        }
    }
}
