import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskTestSupport
import XCTest

final class InboundMailTests: XCTestCase {
    func raw(_ subject: String, from: String = "Ada Lovelace <ada@example.org>", to: String = "support@example.com",
             id: String, headers: [String] = [], body: String = "Hello") -> [UInt8] {
        Array((["From: \(from)", "To: \(to)", "Subject: \(subject)", "Message-ID: <\(id)>"] + headers
            + ["Content-Type: text/plain; charset=utf-8", "", body, ""]).joined(separator: "\r\n").utf8)
    }

    func envelope(to: String = "support@example.com", from: String = "ada@example.org") -> SMTPEnvelope {
        SMTPEnvelope(sender: from, recipients: [to], clientName: "mx.example.org", remoteAddress: "192.0.2.1")
    }

    func connect(_ desk: HelpDesk, _ people: TestPeople, _ address: String = "support@example.com",
                 createsTickets: Bool = true) async throws {
        _ = try await desk.channels.create(ChannelDraft(kind: .email, address: address, createsTickets: createsTickets), by: people.admin)
    }

    func testC2NewMailCreatesTicketConversationAndContact() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            try await self.connect(desk, people)
            let receipt = try await desk.inboundMail.receive(self.envelope(), raw: self.raw("Printer on fire", id: "a1@example.org"))
            let ticketID = try XCTUnwrap(receipt.ticketID)
            let ticket = try await desk.records.read(
                type: "tickets", ids: [ticketID],
                options: ReadOptions(properties: ["subject", "hs_pipeline_stage", "source_type"], associations: ["contacts"]),
                by: people.agent)[0]
            XCTAssertEqual(ticket.record.properties["subject"], "Printer on fire")
            XCTAssertEqual(ticket.record.properties["hs_pipeline_stage"], "1")
            XCTAssertEqual(ticket.record.properties["source_type"], "EMAIL")
            let contactID = try XCTUnwrap(ticket.associations.first?.1.first?.toObjectID)
            let contact = try await desk.records.read(type: "contacts", ids: [contactID], options: ReadOptions(), by: people.agent)[0]
            XCTAssertEqual(contact.record.properties["email"], "ada@example.org")
            let conversation = try await desk.conversations.get(id: receipt.conversationID, by: people.agent)
            XCTAssertEqual(conversation.ticketID, ticketID)
            XCTAssertEqual(conversation.contactID, contactID)
            XCTAssertEqual(conversation.status, .open)
        }
    }

    func testC3ReplyJoinsItsThreadAndCreatesNoTicket() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            try await self.connect(desk, people)
            let first = try await desk.inboundMail.receive(self.envelope(), raw: self.raw("Refund", id: "r1@example.org"))
            // A client that keeps only References (no In-Reply-To) still threads.
            let reply = try await desk.inboundMail.receive(self.envelope(), raw: self.raw(
                "Re: Refund", id: "r2@example.org", headers: ["References: <unknown@elsewhere> <r1@example.org>"]))
            XCTAssertEqual(reply.conversationID, first.conversationID)
            XCTAssertEqual(reply.ticketID, first.ticketID)
            let tickets = try await desk.records.search(type: "tickets", SearchRequest(), by: people.agent)
            XCTAssertEqual(tickets.total, 1)
            let messages = try await desk.conversations.messages(conversationID: first.conversationID, by: people.agent)
            XCTAssertEqual(messages.map(\.messageID), ["r1@example.org", "r2@example.org"])
            // The same message again (the sender retrying) is not stored twice.
            let again = try await desk.inboundMail.receive(self.envelope(), raw: self.raw(
                "Re: Refund", id: "r2@example.org", headers: ["In-Reply-To: <r1@example.org>"]))
            XCTAssertTrue(again.duplicate)
            let after = try await desk.conversations.messages(conversationID: first.conversationID, by: people.agent)
            XCTAssertEqual(after.count, 2)
        }
    }

    func testC1SwitchOffLeavesTheConversationInTheInbox() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            try await self.connect(desk, people, "sales@example.com", createsTickets: false)
            let receipt = try await desk.inboundMail.receive(self.envelope(to: "Sales@Example.com"),
                                                             raw: self.raw("Quote", to: "sales@example.com", id: "q1@example.org"))
            XCTAssertNil(receipt.ticketID)
            let inbox = try await desk.conversations.list(inboxOnly: true, by: people.agent)
            XCTAssertEqual(inbox.conversations.map(\.id), [receipt.conversationID])
            XCTAssertEqual(inbox.conversations.first?.status, .open)
        }
    }

    func testMachineSentMailNeverCreatesATicket() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            try await self.connect(desk, people)
            let autoReply = try await desk.inboundMail.receive(self.envelope(), raw: self.raw(
                "Out of office", id: "o1@example.org", headers: ["Auto-Submitted: auto-replied"]))
            let bounce = try await desk.inboundMail.receive(self.envelope(from: ""), raw: self.raw(
                "Delivery failure", from: "MAILER-DAEMON@mx.example.org", id: "b1@example.org"))
            for receipt in [autoReply, bounce] {
                XCTAssertNil(receipt.ticketID)
                let conversation = try await desk.conversations.get(id: receipt.conversationID, by: people.agent)
                XCTAssertEqual(conversation.status, .closed)
            }
            let messages = try await desk.conversations.messages(conversationID: bounce.conversationID, by: people.agent)
            XCTAssertEqual(messages.first?.automatic, .bounce)
        }
    }

    func testR8ConversationsFollowTheirTicketsVisibility() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk, agentScope: .own)
            try await self.connect(desk, people)
            let receipt = try await desk.inboundMail.receive(self.envelope(), raw: self.raw("Private", id: "p1@example.org"))
            let hidden = try await desk.conversations.list(by: people.agent)
            XCTAssertTrue(hidden.conversations.isEmpty, "an agent who sees only their own tickets does not see others' threads")
            do {
                _ = try await desk.conversations.messages(conversationID: receipt.conversationID, by: people.agent)
                XCTFail("reading another agent's thread must fail")
            } catch HelpDeskError.notFound {}
            _ = try await desk.records.update(type: "tickets", [(try XCTUnwrap(receipt.ticketID), ["hubspot_owner_id": people.agent.user.id])],
                                              by: people.admin)
            let shown = try await desk.conversations.list(by: people.agent)
            XCTAssertEqual(shown.conversations.map(\.id), [receipt.conversationID])
        }
    }

    func testUnknownRecipientsAreRefused() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            try await self.connect(desk, people)
            let known = try await desk.inboundMail.accepts(recipient: "SUPPORT@example.com")
            let unknown = try await desk.inboundMail.accepts(recipient: "nobody@example.com")
            XCTAssertTrue(known)
            XCTAssertFalse(unknown)
        }
    }

    func acknowledgements(_ desk: HelpDesk, _ receipt: InboundMail.Receipt, _ caller: Caller) async throws -> [ConversationMessage] {
        try await desk.conversations.messages(conversationID: receipt.conversationID, by: caller)
            .filter { $0.direction == .outgoing && $0.automatic == .autoReply }
    }

    func testNewTicketsAreAcknowledgedButNeverToMachinesOrBouncedAddresses() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let channel = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            _ = try await desk.channels.update(id: channel.id, settings: ChannelSettings(acknowledgement: "We got it: ticket {{ticket}}."),
                                               by: people.admin)
            let first = try await desk.inboundMail.receive(self.envelope(), raw: self.raw("Printer on fire", id: "ack1@example.org"))
            let acks = try await self.acknowledgements(desk, first, people.agent)
            XCTAssertEqual(acks.map(\.text), ["We got it: ticket \(first.ticketID ?? "")."])
            XCTAssertEqual(acks.first?.delivery?.status, .queued)
            XCTAssertEqual(acks.first?.inReplyTo, "ack1@example.org")
            let reply = try await desk.inboundMail.receive(self.envelope(), raw: self.raw(
                "Re: Printer on fire", id: "ack2@example.org", headers: ["In-Reply-To: <ack1@example.org>"]))
            let acksAfterReply = try await self.acknowledgements(desk, reply, people.agent)
            XCTAssertEqual(acksAfterReply.count, 1, "a reply in the thread is not acknowledged again")

            let shop = try await desk.inboundMail.receive(self.envelope(from: "no-reply@shop.example"),
                                                          raw: self.raw("Your order", from: "Shop <no-reply@shop.example>", id: "ack3@shop.example"))
            let shopAcks = try await self.acknowledgements(desk, shop, people.agent)
            XCTAssertNotNil(shop.ticketID)
            XCTAssertEqual(shopAcks.count, 0, "automatic mail never goes to no-reply addresses")

            _ = try await desk.inboundMail.receive(self.envelope(from: ""), raw: self.raw(
                "Mail delivery failed", from: "Mail Delivery System <MAILER-DAEMON@mx.example.net>", id: "bounce1@mx.example.net",
                headers: ["X-Failed-Recipients: gone@example.org"]))
            let gone = try await desk.inboundMail.receive(self.envelope(from: "gone@example.org"),
                                                          raw: self.raw("Hello again", from: "gone@example.org", id: "ack4@example.org"))
            let goneAcks = try await self.acknowledgements(desk, gone, people.agent)
            XCTAssertNotNil(gone.ticketID)
            XCTAssertEqual(goneAcks.count, 0, "an address that bounced is skipped by automatic mail")
        }
    }

    func testTheLoopGuardStopsAnAutoresponderThatHidesWhatItIs() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com",
                                                            settings: ChannelSettings(acknowledgement: "Thanks.")), by: people.admin)
            var acknowledged = 0
            for n in 0..<(AutomaticMailPolicy.maxPerRecipientPerDay + 2) {
                let receipt = try await desk.inboundMail.receive(self.envelope(from: "robot@example.net"), raw: self.raw(
                    "Answer \(n)", from: "robot@example.net", id: "loop\(n)@example.net"))
                acknowledged += try await self.acknowledgements(desk, receipt, people.agent).count
            }
            XCTAssertEqual(acknowledged, AutomaticMailPolicy.maxPerRecipientPerDay)
        }
    }

    func testC3AReplyToTheTicketsReplyAddressJoinsItsThread() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            try await self.connect(desk, people)
            let first = try await desk.inboundMail.receive(self.envelope(), raw: self.raw("Refund", id: "tag1@example.org"))
            let ticketID = try XCTUnwrap(first.ticketID)
            let tagged = "support+t\(ticketID)@example.com"
            let accepted = try await desk.inboundMail.accepts(recipient: tagged)
            XCTAssertTrue(accepted, "the reply address takes mail")
            let reply = try await desk.inboundMail.receive(self.envelope(to: tagged), raw: self.raw("About that", to: tagged, id: "tag2@example.org"))
            XCTAssertEqual(reply.conversationID, first.conversationID, "no headers, no subject token: the address threads it")
            let stranger = try await desk.inboundMail.receive(self.envelope(to: tagged, from: "mallory@example.net"),
                                                              raw: self.raw("Hi", from: "mallory@example.net", to: tagged, id: "tag3@example.net"))
            XCTAssertNotEqual(stranger.conversationID, first.conversationID, "a stranger's mail to a guessed address opens its own")
            let unknownBase = try await desk.inboundMail.accepts(recipient: "sales+t\(ticketID)@example.com")
            XCTAssertFalse(unknownBase)
        }
    }

    func testW1ForwardsAndRepliesToThemAreMarked() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            try await self.connect(desk, people)
            let forward = try await desk.inboundMail.receive(self.envelope(), raw: self.raw(
                "Fwd: Invoice 1044", id: "fwd1@example.org", body: "---------- Forwarded message ---------\r\nFrom: Bob <bob@example.net>\r\n\r\nPay me"))
            let reply = try await desk.inboundMail.receive(self.envelope(), raw: self.raw(
                "Re: Fwd: Invoice 1044", id: "fwd2@example.org", headers: ["In-Reply-To: <fwd1@example.org>"]))
            let plain = try await desk.inboundMail.receive(self.envelope(), raw: self.raw(
                "Re: Fwd: Invoice 1044", id: "fwd3@example.org", headers: ["In-Reply-To: <fwd2@example.org>"]))
            XCTAssertEqual(reply.conversationID, forward.conversationID)
            let messages = try await desk.conversations.messages(conversationID: forward.conversationID, by: people.agent)
            XCTAssertEqual(messages.map(\.isForward), [true, false, false])
            XCTAssertEqual(messages.map(\.repliesToForward), [false, true, false], "only the direct answer to the forward")
            XCTAssertEqual(plain.conversationID, forward.conversationID)
        }
    }

    func testTheSameMessageDeliveredTwiceAtOnceIsStoredOnce() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            try await self.connect(desk, people)
            let raw = self.raw("Printer on fire", id: "twice@example.org")
            let envelope = self.envelope()
            let receipts = try await withThrowingTaskGroup(of: InboundMail.Receipt.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await desk.inboundMail.receive(envelope, raw: raw) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(receipts.filter { !$0.duplicate }.count, 1)
            XCTAssertEqual(Set(receipts.map(\.conversationID)).count, 1)
            let threads = try await desk.conversations.list(by: people.admin)
            XCTAssertEqual(threads.conversations.count, 1)
            let messages = try await desk.conversations.messages(conversationID: receipts[0].conversationID, by: people.admin)
            XCTAssertEqual(messages.count, 1)
            let tickets = try await desk.records.search(type: "tickets", SearchRequest(), by: people.admin)
            XCTAssertEqual(tickets.total, 1)
        }
    }

    func testAMessageTheRulesRefuseIsRefusedForGood() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let pipeline = try await desk.pipelines.create(type: "tickets", PipelineDraft(label: "Strict", displayOrder: 5, stages: [
                .init(label: "New", displayOrder: 0, metadata: ["ticketState": "OPEN", "requiredProperties": "hs_ticket_priority"]),
            ]), by: people.admin)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com", pipelineID: pipeline.id),
                                               by: people.admin)
            do {
                _ = try await desk.inboundMail.receive(self.envelope(), raw: self.raw("Printer on fire", id: "strict@example.org"))
                XCTFail("The message was stored although its ticket cannot be")
            } catch let refusal as SMTPDeliveryRefusal {
                XCTAssertTrue(refusal.permanent, "a refusal by the help desk's rules is permanent: \(refusal.message)")
            }
        }
    }
}
