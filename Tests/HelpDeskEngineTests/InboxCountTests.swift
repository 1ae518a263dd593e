import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskTestSupport
import XCTest

/// V1 and R8: the Inbox's count is what each user may see of the conversations without a ticket.
final class InboxCountTests: XCTestCase {
    func testV1TheInboxCountsOnlyTheConversationsTheUserMaySee() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk, agentScope: .own)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "sales@example.com", createsTickets: false), by: people.admin)
            var conversations: [String] = []
            for index in 1...2 {
                let raw = Array(["From: eve\(index)@example.org", "To: sales@example.com", "Subject: Seats \(index)",
                                 "Message-ID: <inbox-\(index)@example.org>", "", "How much?", ""].joined(separator: "\r\n").utf8)
                let receipt = try await desk.inboundMail.receive(
                    SMTPEnvelope(sender: "eve\(index)@example.org", recipients: ["sales@example.com"], clientName: "mx.example.org",
                                 remoteAddress: "192.0.2.1"), raw: raw)
                XCTAssertNil(receipt.ticketID, "this address makes no tickets")
                conversations.append(receipt.conversationID)
            }
            let adminCount = try await desk.conversations.inboxCount(by: people.admin)
            XCTAssertEqual(adminCount, 2)
            let agentBefore = try await desk.conversations.inboxCount(by: people.agent)
            XCTAssertEqual(agentBefore, 0, "an agent who sees only their own sees none of the unowned")
            _ = try await desk.conversations.update(id: conversations[0], .init(ownerID: .some(people.agent.user.id)), by: people.admin)
            let agentAfter = try await desk.conversations.inboxCount(by: people.agent)
            XCTAssertEqual(agentAfter, 1)
            let listed = try await desk.conversations.list(inboxOnly: true, status: .open, by: people.agent).conversations
            XCTAssertEqual(listed.count, agentAfter, "the count agrees with the list")
            _ = try await desk.conversations.update(id: conversations[1], .init(status: .closed), by: people.admin)
            let afterClosing = try await desk.conversations.inboxCount(by: people.admin)
            XCTAssertEqual(afterClosing, 1, "a closed conversation waits no more")
        }
    }
}
