import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskTestSupport
import XCTest

/// W1 on each database: what mail does to a ticket's status.
final class StatusFromEmailTests: XCTestCase {
    func raw(_ subject: String, from: String = "Ada Lovelace <ada@example.org>", id: String, headers: [String] = []) -> [UInt8] {
        Array((["From: \(from)", "To: support@example.com", "Subject: \(subject)", "Message-ID: <\(id)>"] + headers
            + ["Content-Type: text/plain; charset=utf-8", "", "Hello", ""]).joined(separator: "\r\n").utf8)
    }

    func receive(_ desk: HelpDesk, _ raw: [UInt8], from sender: String = "ada@example.org") async throws -> InboundMail.Receipt {
        try await desk.inboundMail.receive(
            SMTPEnvelope(sender: sender, recipients: ["support@example.com"], clientName: "mx.example.org", remoteAddress: "192.0.2.1"),
            raw: raw)
    }

    func testW1ACustomersReplyInTheThreadOfAClosedTicketReopensItAtTheFirstOpenStatus() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let first = try await receive(desk, raw("Printer on fire", id: "m1@example.org"))
            let ticketID = try XCTUnwrap(first.ticketID)
            func status() async throws -> String? {
                try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(properties: ["hs_pipeline_stage"]),
                                            by: people.admin).first?.record.properties["hs_pipeline_stage"]
            }
            func close() async throws {
                _ = try await desk.records.update(type: "tickets", [(ticketID, ["hs_pipeline_stage": "4"])], by: people.agent)
            }
            try await close()
            let closedThread = try await desk.conversations.get(id: first.conversationID, by: people.agent).status
            XCTAssertEqual(closedThread, .closed, "closing the ticket closed its thread (C6)")

            let machine = try await receive(desk, raw("Re: Printer on fire", id: "m2@example.org",
                                                      headers: ["In-Reply-To: <m1@example.org>", "Auto-Submitted: auto-replied"]))
            XCTAssertEqual(machine.conversationID, first.conversationID)
            let afterMachine = try await status()
            XCTAssertEqual(afterMachine, "4", "an automatic reply leaves the ticket closed")
            let colleague = try await receive(desk, raw("Re: Printer on fire", from: "Agent <agent@example.com>", id: "m3@example.org",
                                                        headers: ["In-Reply-To: <m1@example.org>"]), from: "agent@example.com")
            XCTAssertEqual(colleague.conversationID, first.conversationID)
            let afterUser = try await status()
            XCTAssertEqual(afterUser, "4", "a reply from a user's own inbox leaves it closed")

            let reply = try await receive(desk, raw("Re: Printer on fire", id: "m4@example.org", headers: ["In-Reply-To: <m1@example.org>"]))
            XCTAssertEqual(reply.conversationID, first.conversationID, "the reply joins the ticket's thread")
            let reopened = try await status()
            XCTAssertEqual(reopened, "1", "the customer's reply moves the ticket to the pipeline's first OPEN status")
            let thread = try await desk.conversations.get(id: first.conversationID, by: people.agent).status
            XCTAssertEqual(thread, .open, "and reopens the thread it came on")
            let history = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(
                properties: ["hs_pipeline_stage"], propertiesWithHistory: ["hs_pipeline_stage"]), by: people.admin)
            let latest = history.first?.history.first { $0.0 == "hs_pipeline_stage" }?.1.max { $0.position < $1.position }
            XCTAssertEqual(latest?.source, "EMAIL", "the change says it came from mail")
        }
    }
}
