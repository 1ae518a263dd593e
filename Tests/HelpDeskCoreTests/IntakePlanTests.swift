import HelpDeskCore
import XCTest

final class IntakePlanTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    var tickets: RecordSchema {
        RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [DefaultPipelines.tickets(at: now)])
    }

    func channel(_ kind: Channel.Kind, createsTickets: Bool = true, settings: ChannelSettings = ChannelSettings()) -> Channel {
        Channel(id: "3", kind: kind, name: "Support", address: "support@example.com", pipelineID: "0", createsTickets: createsTickets,
                createdAt: now, settings: settings)
    }

    func message(_ kind: Channel.Kind = .email, threading: IncomingMessage.Threading = .mail(inReplyTo: [], references: [], ticketToken: nil),
                 automatic: ConversationMessage.Automatic? = nil, sender: IncomingMessage.Sender? = nil,
                 settings: ChannelSettings = ChannelSettings(), createsTickets: Bool = true) -> IncomingMessage {
        IncomingMessage(channel: channel(kind, createsTickets: createsTickets, settings: settings), source: kind.rawValue,
                        sender: sender ?? IncomingMessage.Sender(address: "ann@example.com", name: "Ann Lee Smith", email: "ann@example.com"),
                        subject: "Printer on fire", text: "It burns.", threading: threading, automatic: automatic)
    }

    func conversation(status: Conversation.Status = .open, trashed: Bool = false) -> Conversation {
        Conversation(id: "12", channelID: "3", ticketID: "7", status: status, ownerID: nil, contactID: "5",
                     customerAddress: "ann@example.com", subject: "Printer on fire", createdAt: now, latestMessageAt: now,
                     trashedAt: trashed ? now : nil)
    }

    func testW1ACustomersMailInAThreadOfAClosedTicketReopensItAtTheFirstOpenStatusWhateverTheSwitches() {
        let closed = ["hs_pipeline": "0", "hs_pipeline_stage": "4"]
        let reply = message(threading: .mail(inReplyTo: ["m1@example.org"], references: [], ticketToken: nil))
        func status(_ message: IncomingMessage, ticket: [String: String] = closed, answersForward: Bool = false, fromAUser: Bool = false) -> String? {
            IntakePlan.reopeningStatus(for: message, answersForward: answersForward, fromAUser: fromAUser, ticket: ticket, tickets: tickets)
        }
        XCTAssertEqual(status(reply), "1", "the first OPEN status of the default pipeline")
        XCTAssertNil(status(reply, ticket: ["hs_pipeline": "0", "hs_pipeline_stage": "2"]), "an open ticket keeps its status")
        var forward = reply
        forward.isForward = true
        XCTAssertNil(status(forward), "never for a forwarded mail")
        XCTAssertNil(status(reply, answersForward: true), "nor for an answer to a forwarded mail")
        XCTAssertNil(status(reply, fromAUser: true), "nor for a reply from a user's personal inbox")
        XCTAssertNil(status(message(threading: reply.threading, automatic: .autoReply)), "nor for an automatic reply")
        XCTAssertNil(status(message(.custom, threading: .service(threadID: "t"))), "W1 is about email")
    }

    func testC2AMessageDeliveredTwiceIsADuplicateWhateverItsThread() {
        let found = IntakePlan.Findings(storedCopy: "9", thread: conversation())
        XCTAssertEqual(IntakePlan.thread(for: message(), found: found), .duplicate(conversationID: "9"))
    }

    func testC2AReplyJoinsTheConversationItAnswersEvenWhenClosed() {
        let closed = conversation(status: .closed)
        for threading: IncomingMessage.Threading in [.mail(inReplyTo: ["a@x"], references: [], ticketToken: nil), .service(threadID: "t")] {
            XCTAssertEqual(IntakePlan.thread(for: message(threading: threading), found: .init(thread: closed)),
                           .join(closed, bringBack: false), "\(threading)")
        }
    }

    func testC2WithoutAThreadTheCustomersOpenConversationIsJoinedAndAClosedOneIsANewRequest() {
        let open = conversation(), closed = conversation(status: .closed)
        XCTAssertEqual(IntakePlan.thread(for: message(.whatsapp, threading: .customer), found: .init(thread: open)), .join(open, bringBack: false))
        XCTAssertEqual(IntakePlan.thread(for: message(.whatsapp, threading: .customer), found: .init(thread: closed)), .open)
        XCTAssertEqual(IntakePlan.thread(for: message(.form, threading: .none), found: .init()), .open)
    }

    func testC3TheCustomersAnswerBringsATrashedThreadBackAndMachineMailLeavesItThere() {
        let trashed = conversation(trashed: true)
        XCTAssertEqual(IntakePlan.thread(for: message(), found: .init(thread: trashed)), .join(trashed, bringBack: true))
        XCTAssertEqual(IntakePlan.thread(for: message(.custom, threading: .service(threadID: "t")), found: .init(thread: trashed)),
                       .join(trashed, bringBack: true))
        for automatic in [ConversationMessage.Automatic.autoReply, .bounce, .bulk] {
            XCTAssertEqual(IntakePlan.thread(for: message(automatic: automatic), found: .init(thread: trashed)), .join(trashed, bringBack: false))
        }
    }

    func testC2ANewMessageOpensATicketInTheChannelsPipelineAtItsFirstOpenStatusWithANewContact() {
        let opening = IntakePlan.opening(for: message(), contact: nil, tickets: tickets)
        XCTAssertEqual(opening.status, .open)
        XCTAssertEqual(opening.contact, .create(["email": "ann@example.com", "firstname": "Ann", "lastname": "Lee Smith"]))
        XCTAssertEqual(opening.ticket?["hs_pipeline"], "0")
        XCTAssertEqual(opening.ticket?["hs_pipeline_stage"], "1")
        XCTAssertEqual(opening.ticket?["subject"], "Printer on fire")
        XCTAssertEqual(opening.ticket?["content"], "It burns.")
        XCTAssertEqual(opening.ticket?["source_type"], "EMAIL")
        XCTAssertNil(opening.acknowledgement)
    }

    func testC1WithTheSwitchOffTheConversationWaitsInTheInboxWithoutATicket() {
        let opening = IntakePlan.opening(for: message(createsTickets: false), contact: nil, tickets: tickets)
        XCTAssertNil(opening.ticket)
        XCTAssertEqual(opening.status, .open)
    }

    func testC2MachineMailOpensAClosedConversationWithoutTicketContactOrAcknowledgement() {
        let automatic = message(automatic: .autoReply, settings: ChannelSettings(acknowledgement: "Got it"))
        let opening = IntakePlan.opening(for: automatic, contact: IntakePlan.FoundContact(id: "5", properties: [:]), tickets: tickets)
        XCTAssertEqual(opening.status, .closed)
        XCTAssertNil(opening.ticket)
        XCTAssertEqual(opening.contact, .none)
        XCTAssertNil(opening.acknowledgement)
    }

    func testC2AKnownContactIsKeptAndOnlyWhatItLacksIsFilled() {
        let known = IntakePlan.FoundContact(id: "5", properties: ["email": "ann@example.com", "firstname": "Annie", "lastname": ""])
        XCTAssertEqual(IntakePlan.opening(for: message(), contact: known, tickets: tickets).contact,
                       .existing(id: "5", fill: ["lastname": "Lee Smith"]))
    }

    func testC8AChatVisitorKnownByTheirCookieKeepsTheirContactAndTheChatbotDefersTheTicket() {
        let visitor = IncomingMessage.Sender(address: "visitor-1", contactID: "8")
        let bot = ChannelSettings(chatbot: Chatbot(rules: []))
        let withBot = IntakePlan.opening(for: message(.chat, threading: .customer, sender: visitor, settings: bot), contact: nil, tickets: tickets)
        XCTAssertTrue(withBot.withBot)
        XCTAssertNil(withBot.ticket)
        XCTAssertEqual(withBot.contact, .existing(id: "8", fill: [:]))
        let people = IntakePlan.opening(for: message(.chat, threading: .customer, sender: visitor), contact: nil, tickets: tickets)
        XCTAssertFalse(people.withBot)
        XCTAssertEqual(people.ticket?["source_type"], "CHAT")
    }

    func testC2AnAnonymousSenderMakesNoContact() {
        let anonymous = IncomingMessage.Sender(address: "whatsapp:+33600000000")
        let opening = IntakePlan.opening(for: message(.whatsapp, threading: .customer, sender: anonymous), contact: nil, tickets: tickets)
        XCTAssertEqual(opening.contact, .none)
        XCTAssertNotNil(opening.ticket)
    }

    func testC2AnAcknowledgementAnswersOnlyMailThatOpensATicket() {
        let settings = ChannelSettings(acknowledgement: "We got your request {{ticket}}")
        XCTAssertEqual(IntakePlan.opening(for: message(settings: settings), contact: nil, tickets: tickets).acknowledgement,
                       "We got your request {{ticket}}")
        XCTAssertNil(IntakePlan.opening(for: message(settings: settings, createsTickets: false), contact: nil, tickets: tickets).acknowledgement)
        XCTAssertNil(IntakePlan.opening(for: message(.whatsapp, threading: .customer, settings: settings), contact: nil, tickets: tickets)
            .acknowledgement)
    }

    func testC8APublicFormFindsAContactByEmailOnlyAndNeverGivesAFoundContactAnotherAddress() {
        var form = message(.form, threading: .none, sender: IncomingMessage.Sender(address: "eve@example.org", email: "eve@example.org",
                                                                                   phone: "+33600000001"))
        form.contactProperties = ["email": "eve@example.org", "phone": "+33600000001", "firstname": "Eve"]
        XCTAssertEqual(form.contactKeys.map(\.property), ["email"], "a phone typed into a public form finds nobody")
        let whatsapp = message(.whatsapp, threading: .customer, sender: IncomingMessage.Sender(address: "+33600000001", email: "eve@example.org",
                                                                                               phone: "+33600000001"))
        XCTAssertEqual(whatsapp.contactKeys.map(\.property), ["phone", "email"], "the number the channel vouches for comes first")
        let found = IntakePlan.FoundContact(id: "5", properties: ["phone": "+33600000001"])
        XCTAssertEqual(IntakePlan.opening(for: whatsapp, contact: found, tickets: tickets).contact, .existing(id: "5", fill: [:]),
                       "a contact found by its phone is not given the email the sender typed")
    }

    func testC2AFormsTicketFieldsWinOverTheMessagesSubjectAndText() {
        var form = message(.form, threading: .none)
        form.ticketProperties = ["subject": "Refund", "hs_ticket_priority": "HIGH"]
        let ticket = IntakePlan.opening(for: form, contact: nil, tickets: tickets).ticket
        XCTAssertEqual(ticket?["subject"], "Refund")
        XCTAssertEqual(ticket?["hs_ticket_priority"], "HIGH")
        XCTAssertEqual(ticket?["content"], "It burns.")
        XCTAssertEqual(ticket?["source_type"], "FORM")
    }
}
