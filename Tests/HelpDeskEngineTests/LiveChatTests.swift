import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskTestSupport
import XCTest

/// Live chat on each database: the chatbot, its hand-off, and visitors becoming contacts.
final class LiveChatServiceTests: XCTestCase {
    func chatChannel(_ desk: HelpDesk, _ people: TestPeople, bot: Chatbot?) async throws -> Channel {
        try await desk.channels.create(ChannelDraft(kind: .chat, address: "site-\(bot == nil ? "plain" : "bot")",
                                                    settings: ChannelSettings(chatbot: bot)), by: people.admin)
    }

    func testC2TheChatbotHandlesAChatWithoutATicketUntilItHandsOff() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let bot = Chatbot(rules: [.init(keywords: ["refund"], answer: "Refunds take five days.")])
            let channel = try await self.chatChannel(desk, people, bot: bot)
            let found = try await desk.liveChat.visitor(token: LiveChat.newToken())
            let visitor = try XCTUnwrap(found)
            try await desk.liveChat.say("How long for a refund?", visitor: visitor, on: channel)
            var (chat, messages) = try await desk.liveChat.transcript(for: visitor, on: channel)
            XCTAssertEqual(messages.map(\.text), ["How long for a refund?", "Refunds take five days."])
            XCTAssertEqual(chat?.withBot, true)
            XCTAssertNil(chat?.ticketID, "no ticket while the bot handles the chat")

            try await desk.liveChat.say("blorp", visitor: visitor, on: channel)
            (chat, _) = try await desk.liveChat.transcript(for: visitor, on: channel)
            XCTAssertNil(chat?.ticketID, "one miss is not yet a hand-off")
            try await desk.liveChat.say("blorp blorp", visitor: visitor, on: channel)
            (chat, messages) = try await desk.liveChat.transcript(for: visitor, on: channel)
            XCTAssertEqual(messages.last?.text, bot.handOffMessage, "the second miss in a row hands off")
            XCTAssertEqual(chat?.withBot, false)
            let ticketID = try XCTUnwrap(chat?.ticketID)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID],
                                                     options: ReadOptions(properties: ["source_type", "content"]), by: people.agent)[0]
            XCTAssertEqual(ticket.record.properties["source_type"], "CHAT")
            XCTAssertTrue(ticket.record.properties["content"]?.contains("How long for a refund?") == true, "the transcript comes along")
        }
    }

    func testC8AVisitorWhoGivesAnEmailBecomesTheContactOfTheirChats() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let channel = try await self.chatChannel(desk, people, bot: nil)
            let token = LiveChat.newToken()
            let found = try await desk.liveChat.visitor(token: token)
            let visitor = try XCTUnwrap(found)
            try await desk.liveChat.say("My order is late", visitor: visitor, on: channel)
            let (chat, _) = try await desk.liveChat.transcript(for: visitor, on: channel)
            let ticketID = try XCTUnwrap(chat?.ticketID, "without a bot the first message opens the ticket")

            do {
                _ = try await desk.liveChat.identify(visitor, name: nil, email: "not an address")
                XCTFail("a bad email is refused")
            } catch HelpDeskError.badRequest {}
            let known = try await desk.liveChat.identify(visitor, name: "Grace Hopper", email: "Grace@Example.org")
            let contactID = try XCTUnwrap(known.contactID)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(associations: ["contacts"]),
                                                     by: people.agent)[0]
            XCTAssertEqual(ticket.associations.first?.1.map(\.toObjectID), [contactID])
            let conversation = try await desk.conversations.get(id: chat?.id ?? "", by: people.agent)
            XCTAssertEqual(conversation.contactID, contactID)
            let contact = try await desk.records.read(type: "contacts", ids: [contactID], options: ReadOptions(), by: people.agent)[0]
            XCTAssertEqual(contact.record.properties["email"], "grace@example.org")
            XCTAssertEqual(contact.record.properties["lastname"], "Hopper")

            let again = try await desk.liveChat.visitor(token: token)
            XCTAssertEqual(again?.contactID, contactID, "the cookie finds the same visitor")
            let unknown = try await desk.liveChat.visitor(token: "not-a-token")
            XCTAssertNil(unknown, "only cookies the help desk gives are taken")
        }
    }

    func testC8AnAgentLinksAVisitorToAnExistingOrANewContact() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let channel = try await self.chatChannel(desk, people, bot: nil)
            _ = try await desk.records.create(type: "contacts", [RecordInput(properties: ["email": "ada@example.org", "firstname": "Ada"])],
                                              by: people.admin)
            var chats: [Conversation] = []
            for _ in 0..<2 {
                let found = try await desk.liveChat.visitor(token: LiveChat.newToken())
                let visitor = try XCTUnwrap(found)
                try await desk.liveChat.say("Hello, it is me", visitor: visitor, on: channel)
                let (chat, _) = try await desk.liveChat.transcript(for: visitor, on: channel)
                chats.append(try XCTUnwrap(chat))
            }
            do {
                _ = try await desk.liveChat.linkVisitor(conversationID: chats[0].id, email: "nope", name: nil, by: people.agent)
                XCTFail("a bad address is refused")
            } catch HelpDeskError.badRequest {}
            let existing = try await desk.liveChat.linkVisitor(conversationID: chats[0].id, email: "ADA@example.org", name: "Someone else",
                                                               by: people.agent)
            XCTAssertFalse(existing.created, "the contact with that email is the visitor")
            let linked = try await desk.conversations.get(id: chats[0].id, by: people.agent)
            XCTAssertEqual(linked.contactID, existing.contactID)
            let firstTicket = try XCTUnwrap(chats[0].ticketID)
            let ticket = try await desk.records.read(type: "tickets", ids: [firstTicket], options: ReadOptions(associations: ["contacts"]),
                                                     by: people.agent)[0]
            XCTAssertEqual(ticket.associations.first?.1.map(\.toObjectID), [existing.contactID], "the visitor's ticket follows")
            let ada = try await desk.records.read(type: "contacts", ids: [existing.contactID], options: ReadOptions(), by: people.agent)[0]
            XCTAssertEqual(ada.record.properties["firstname"], "Ada", "an existing contact keeps its name")
            let made = try await desk.liveChat.linkVisitor(conversationID: chats[1].id, email: "grace@example.org", name: "Grace Hopper",
                                                           by: people.agent)
            XCTAssertTrue(made.created, "an unknown email makes a new contact")
            XCTAssertNotEqual(made.contactID, existing.contactID)
            let mail = try await self.emailConversation(desk, people)
            do {
                _ = try await desk.liveChat.linkVisitor(conversationID: mail, email: "x@example.org", name: nil, by: people.agent)
                XCTFail("only a chat visitor is linked this way")
            } catch HelpDeskError.badRequest {}
        }
    }

    func emailConversation(_ desk: HelpDesk, _ people: TestPeople) async throws -> String {
        _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
        let raw = Array(["From: zoe@example.org", "To: support@example.com", "Subject: Hi", "Message-ID: <c8-mail@example.org>", "", "Hi", ""]
            .joined(separator: "\r\n").utf8)
        return try await desk.inboundMail.receive(SMTPEnvelope(sender: "zoe@example.org", recipients: ["support@example.com"],
                                                               clientName: "mx.example.org", remoteAddress: "192.0.2.1"), raw: raw).conversationID
    }

    func testR6AgentsAnswerInTheChatButCommentsNeverShow() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let channel = try await self.chatChannel(desk, people, bot: Chatbot(rules: []))
            let found = try await desk.liveChat.visitor(token: LiveChat.newToken())
            let visitor = try XCTUnwrap(found)
            try await desk.liveChat.say("Hello?", visitor: visitor, on: channel)
            let (chat, _) = try await desk.liveChat.transcript(for: visitor, on: channel)
            let id = try XCTUnwrap(chat?.id)
            _ = try await desk.conversations.reply(conversationID: id, ReplyDraft(text: "Sam here."), by: people.agent)
            _ = try await desk.conversations.comment(conversationID: id, text: "VIP", by: people.agent)
            let (after, messages) = try await desk.liveChat.transcript(for: visitor, on: channel)
            XCTAssertEqual(messages.map(\.text).suffix(1), ["Sam here."])
            XCTAssertFalse(messages.contains { $0.text == "VIP" })
            XCTAssertNotNil(after?.ticketID, "an agent stepping in takes the chat from the bot, with a ticket")
        }
    }
}
