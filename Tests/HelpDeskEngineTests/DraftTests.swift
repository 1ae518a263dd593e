import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskTestSupport
import XCTest

/// R4: agents' unsent replies, on each database.
final class DraftTests: XCTestCase {
    func mail(_ desk: HelpDesk, subject: String, id: String) async throws -> InboundMail.Receipt {
        let raw = Array(["From: ada@example.org", "To: support@example.com", "Subject: \(subject)", "Message-ID: <\(id)>",
                         "Content-Type: text/plain; charset=utf-8", "", "Hello", ""].joined(separator: "\r\n").utf8)
        return try await desk.inboundMail.receive(
            SMTPEnvelope(sender: "ada@example.org", recipients: ["support@example.com"], clientName: "mx.example.org",
                         remoteAddress: "192.0.2.1"), raw: raw)
    }

    func draft(_ ticketID: String, _ text: String, conversation: String? = nil, cc: String = "") -> Draft {
        Draft(ticketID: ticketID, authorID: "", conversationID: conversation, text: text, cc: cc, status: "3",
              updatedAt: Timestamp(millisecondsSince1970: 0))
    }

    func testR4ADraftIsKeptForItsAuthorAloneAndListedInDrafts() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let received = try await self.mail(desk, subject: "Invoice", id: "r4-1@example.org")
            let ticketID = try XCTUnwrap(received.ticketID)
            try await desk.drafts.save(self.draft(ticketID, "Dear Ada,", conversation: received.conversationID, cc: "boss@example.org"),
                                       by: people.agent)
            try await desk.drafts.save(self.draft(ticketID, "Dear Ada, we refunded", conversation: received.conversationID,
                                                  cc: "boss@example.org"), by: people.agent)
            let kept = try await desk.drafts.draft(ticketID: ticketID, by: people.agent)
            XCTAssertEqual(kept?.text, "Dear Ada, we refunded", "the latest save replaces the one before")
            XCTAssertEqual(kept?.cc, "boss@example.org")
            XCTAssertEqual(kept?.conversationID, received.conversationID)
            XCTAssertEqual(kept?.authorID, people.agent.user.id)
            XCTAssertEqual(kept?.status, "3")
            let listed = try await desk.drafts.list(by: people.agent)
            XCTAssertEqual(listed.map(\.ticketID), [ticketID])
            let adminsDraft = try await desk.drafts.draft(ticketID: ticketID, by: people.admin)
            XCTAssertNil(adminsDraft, "nobody else sees a draft, not even a super admin")
            let adminsList = try await desk.drafts.list(by: people.admin)
            XCTAssertTrue(adminsList.isEmpty)
            try await desk.drafts.discard(ticketID: ticketID, by: people.admin)
            let stillKept = try await desk.drafts.draft(ticketID: ticketID, by: people.agent)
            XCTAssertNotNil(stillKept, "nobody else discards it")
        }
    }

    func testR4SendingTheReplyRemovesTheDraftAndAnEmptyDraftIsNone() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let received = try await self.mail(desk, subject: "Invoice", id: "r4-2@example.org")
            let ticketID = try XCTUnwrap(received.ticketID)
            try await desk.drafts.save(self.draft(ticketID, "Half written"), by: people.agent)
            try await desk.drafts.save(self.draft(ticketID, "   "), by: people.agent)
            let emptied = try await desk.drafts.draft(ticketID: ticketID, by: people.agent)
            XCTAssertNil(emptied, "a draft emptied by its author is gone")
            try await desk.drafts.save(self.draft(ticketID, "Almost there"), by: people.agent)
            try await desk.drafts.save(self.draft(ticketID, "The admin's own"), by: people.admin)
            _ = try await desk.conversations.reply(conversationID: received.conversationID, ReplyDraft(text: "Done."), by: people.agent)
            let sent = try await desk.drafts.draft(ticketID: ticketID, by: people.agent)
            XCTAssertNil(sent, "sending removes the author's draft")
            let others = try await desk.drafts.draft(ticketID: ticketID, by: people.admin)
            XCTAssertEqual(others?.text, "The admin's own", "and only the author's")
        }
    }

    func testR4AndR8ADraftNeedsATicketTheAuthorMayAnswerAndASendableSize() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk, agentScope: .own)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let received = try await self.mail(desk, subject: "Invoice", id: "r4-3@example.org")
            let ticketID = try XCTUnwrap(received.ticketID)
            do {
                try await desk.drafts.save(self.draft(ticketID, "Not mine to answer"), by: people.agent)
                XCTFail("an agent who may see only their own tickets keeps no draft on another")
            } catch HelpDeskError.notFound {}
            do {
                try await desk.drafts.save(self.draft("999999", "No such ticket"), by: people.admin)
                XCTFail("a draft needs a ticket")
            } catch HelpDeskError.notFound {}
            do {
                try await desk.drafts.save(self.draft(ticketID, String(repeating: "a", count: Draft.maxTextBytes + 1)), by: people.admin)
                XCTFail("a draft too large to send is refused while it is written")
            } catch HelpDeskError.badRequest {}
            let other = try await self.mail(desk, subject: "Other", id: "r4-4@example.org")
            do {
                try await desk.drafts.save(self.draft(ticketID, "Wrong thread", conversation: other.conversationID), by: people.admin)
                XCTFail("a draft answers a thread of its own ticket")
            } catch HelpDeskError.badRequest {}
        }
    }
}

extension DraftTests {
    func testR6OnACallsTicketADraftedEmailOpensTheComments() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let line = try await desk.channels.create(ChannelDraft(kind: .call, address: "+15550100", settings: ChannelSettings(signingSecret: "call-secret")), by: people.admin)
            try await desk.calls.voicemail(on: line, callID: "CA1", from: "+15550199", recordingID: "RE1",
                                           url: "https://calls.example.net/RE1.mp3", seconds: 12)
            let listed = try await desk.conversations.list(by: people.agent).conversations
            let conversation = try XCTUnwrap(listed.first)
            let ticketID = try XCTUnwrap(conversation.ticketID)
            do {
                _ = try await desk.conversations.comment(conversationID: conversation.id, text: "Called back?", by: people.agent)
                XCTFail("a call's ticket takes no comment before an email is drafted or sent")
            } catch HelpDeskError.conflict {}
            try await desk.drafts.save(self.draft(ticketID, "We tried to call you back"), by: people.agent)
            let comment = try await desk.conversations.comment(conversationID: conversation.id, text: "Drafted the callback mail",
                                                               by: people.agent)
            XCTAssertEqual(comment.direction, .comment, "once the agent drafts an email, comments open")
            do {
                _ = try await desk.conversations.comment(conversationID: conversation.id, text: "Me too", by: people.admin)
                XCTFail("another agent's draft opens nothing for the admin, who has neither drafted nor sent")
            } catch HelpDeskError.conflict {}
        }
    }
}
