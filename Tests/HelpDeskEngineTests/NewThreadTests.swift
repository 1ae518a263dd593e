import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// P5: a ticket made by hand starts its first conversation with the email an agent writes, on each database.
final class NewThreadTests: XCTestCase {
    func testP5ATicketMadeByHandStartsItsConversationWithTheAgentsFirstEmail() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let made = try await desk.records.create(
                type: "tickets", [RecordInput(properties: ["subject": "Order 88 damaged", "hs_pipeline": "0", "hs_pipeline_stage": "1"])],
                by: people.agent)
            let ticket = try XCTUnwrap(made.first)
            do {
                _ = try await desk.conversations.start(ticketID: ticket.id, ReplyDraft(text: "Hello", to: ["zoe@example.org"]), by: people.agent)
                XCTFail("without a team address there is nothing to send from")
            } catch HelpDeskError.conflict {}
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            do {
                _ = try await desk.conversations.start(ticketID: ticket.id, ReplyDraft(text: "Hello"), by: people.agent)
                XCTFail("the first email needs the customer's address")
            } catch HelpDeskError.badRequest {}
            try await desk.drafts.save(Draft(ticketID: ticket.id, authorID: "", text: "Hello Zoe", to: "zoe@example.org",
                                             updatedAt: Timestamp(millisecondsSince1970: 0)), by: people.agent)
            let sent = try await desk.conversations.start(ticketID: ticket.id, ReplyDraft(text: "Hello Zoe, we are sending a new one.",
                                                                                         to: ["Zoe@Example.org"], cc: ["boss@example.org"]),
                                                          by: people.agent)
            XCTAssertEqual(sent.direction, .outgoing)
            XCTAssertEqual(sent.to, ["zoe@example.org"])
            XCTAssertTrue(sent.subject.hasPrefix("Order 88 damaged"), sent.subject)
            XCTAssertEqual(TicketToken.ticketID(inSubject: sent.subject), ticket.id, "answers come back to the ticket by its tag")
            XCTAssertEqual(sent.delivery?.status, .queued)
            let threads = try await desk.conversations.list(ticketID: ticket.id, by: people.agent).conversations
            XCTAssertEqual(threads.count, 1)
            XCTAssertEqual(threads.first?.customerAddress, "zoe@example.org")
            let contactID = try XCTUnwrap(threads.first?.contactID)
            let linked = try await desk.associations.list("tickets", ticket.id, toType: "contacts", after: nil, limit: 10, by: people.agent)
            XCTAssertEqual(linked.associations.map(\.toObjectID), [contactID], "the customer becomes the ticket's contact")
            let draft = try await desk.drafts.draft(ticketID: ticket.id, by: people.agent)
            XCTAssertNil(draft, "sending removes the draft")
            let again = try await desk.conversations.start(ticketID: ticket.id, ReplyDraft(text: "A second thread", to: ["zoe@example.org"]),
                                                           by: people.agent)
            let secondThread = try await desk.conversations.get(id: again.conversationID, by: people.agent)
            XCTAssertEqual(secondThread.contactID, contactID, "the same customer is the same contact")
        }
    }
}
