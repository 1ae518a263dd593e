import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// Messages on channels other than email, on each database.
final class ChannelMessagesTests: XCTestCase {
    func testC2MessagesArrivingTogetherFromANewCustomerOpenOneConversation() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let channel = try await desk.channels.create(ChannelDraft(kind: .custom, address: "sms"), by: people.admin)
            let agent = people.agent, channelID = channel.id
            let receipts = try await withThrowingTaskGroup(of: ChannelMessages.Receipt.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        try await desk.channelMessages.publish(CustomerMessage(
                            customerAddress: "+33600000009", customerPhone: "+33600000009", text: "Message \(n)", externalID: "m\(n)"),
                            channelID: channelID, by: agent).receipt
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(Set(receipts.map(\.conversationID)).count, 1, "one conversation, not one per message")
            XCTAssertEqual(Set(receipts.compactMap(\.ticketID)).count, 1)
            let contacts = try await desk.records.search(type: "contacts", SearchRequest(), by: people.agent)
            XCTAssertEqual(contacts.total, 1, "one contact for the customer")
            let again = try await desk.channelMessages.publish(CustomerMessage(customerAddress: "+33600000009", text: "Message 3",
                                                                               externalID: "m3"), channelID: channel.id, by: people.agent)
            XCTAssertTrue(again.receipt.duplicate)
            XCTAssertEqual(again.message?.text, "Message 3", "a retried message answers with the message first stored")
        }
    }

    func testC3ACustomerGoingOnInATrashedThreadBringsItBackWithItsTicket() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let channel = try await desk.channels.create(ChannelDraft(kind: .custom, address: "sms"), by: people.admin)
            let first = try await desk.channelMessages.publish(CustomerMessage(customerAddress: "+33600000001", text: "Hello",
                                                                               externalID: "t1", threadID: "thread-1"),
                                                               channelID: channel.id, by: people.agent).receipt
            try await desk.conversations.trash(id: first.conversationID, by: people.admin)
            let next = try await desk.channelMessages.publish(CustomerMessage(customerAddress: "+33600000001", text: "Still there?",
                                                                              externalID: "t2", threadID: "thread-1"),
                                                              channelID: channel.id, by: people.agent).receipt
            XCTAssertEqual(next.conversationID, first.conversationID)
            XCTAssertEqual(next.ticketID, first.ticketID)
            let back = try await desk.conversations.get(id: first.conversationID, by: people.admin)
            XCTAssertNil(back.trashedAt)
            let tickets = try await desk.records.search(type: "tickets", SearchRequest(), by: people.admin)
            XCTAssertEqual(tickets.total, 1, "no new ticket")
        }
    }

    func testC2AKnownContactGetsTheNameItLackedAndKeepsTheOneItHad() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let channel = try await desk.channels.create(ChannelDraft(kind: .custom, address: "sms"), by: people.admin)
            let contacts = try await desk.records.create(type: "contacts", [
                RecordInput(properties: ["phone": "+33600000002"]),
                RecordInput(properties: ["phone": "+33600000003", "firstname": "Bea"]),
            ], by: people.admin)
            for (phone, name) in [("+33600000002", "Ann Lee"), ("+33600000003", "Someone Else")] {
                _ = try await desk.channelMessages.publish(CustomerMessage(customerAddress: phone, customerName: name, customerPhone: phone,
                                                                           text: "Hello"), channelID: channel.id, by: people.agent)
            }
            let search = try await desk.records.search(type: "contacts", SearchRequest(properties: ["firstname", "lastname"]), by: people.admin)
            XCTAssertEqual(search.total, 2, "no new contact")
            let names = Dictionary(uniqueKeysWithValues: search.views.map { ($0.record.id, $0.record.properties["firstname"] ?? "") })
            XCTAssertEqual(names[contacts[0].id], "Ann", "the name it lacked is filled")
            XCTAssertEqual(names[contacts[1].id], "Bea", "a name it has is never overwritten")
        }
    }
}
