import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// Web forms on each database (C1, C2).
final class FormServiceTests: XCTestCase {
    let draft = FormDraft(name: "Contact us", fields: [
        .init(objectTypeID: "0-1", name: "email", required: true),
        .init(objectTypeID: "0-1", name: "firstname", label: "First name"),
        .init(objectTypeID: "0-5", name: "hs_ticket_priority", label: "How urgent?"),
        .init(objectTypeID: "0-5", name: "content", label: "Your question", required: true),
    ])

    func testC2ASubmissionCreatesContactConversationAndTicket() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let (form, channel) = try await desk.forms.create(self.draft, by: people.admin)
            XCTAssertEqual(channel.kind, .form)
            XCTAssertEqual(form.fields.map(\.label), ["Email", "First name", "How urgent?", "Your question"], "the property's label by default")
            XCTAssertGreaterThanOrEqual(form.id.count, 32, "a form's public id cannot be guessed")

            let receipt = try await desk.forms.submit(formID: form.id, values: [
                "0-1/email": "Ada@Example.org", "0-1/firstname": "Ada", "0-5/hs_ticket_priority": "HIGH",
                "0-5/content": "The printer is on fire.",
            ])
            let ticketID = try XCTUnwrap(receipt.ticketID)
            let ticket = try await desk.records.read(type: "tickets", ids: [ticketID], options: ReadOptions(
                properties: ["subject", "content", "hs_ticket_priority", "source_type", "hs_pipeline_stage"], associations: ["contacts"]),
                by: people.agent)[0]
            XCTAssertEqual(ticket.record.properties["subject"], "Contact us from ada@example.org")
            XCTAssertEqual(ticket.record.properties["content"], "The printer is on fire.")
            XCTAssertEqual(ticket.record.properties["hs_ticket_priority"], "HIGH")
            XCTAssertEqual(ticket.record.properties["source_type"], "FORM")
            XCTAssertEqual(ticket.record.properties["hs_pipeline_stage"], "1")
            XCTAssertEqual(ticket.associations.first?.1.first?.toObjectID, receipt.contactID)
            let conversation = try await desk.conversations.get(id: receipt.conversationID, by: people.agent)
            XCTAssertEqual(conversation.ticketID, ticketID)
            XCTAssertEqual(conversation.channelID, channel.id)
            let messages = try await desk.conversations.messages(conversationID: receipt.conversationID, by: people.agent)
            XCTAssertEqual(messages.first?.text.contains("Your question:\nThe printer is on fire."), true)

            // The same person again: the contact is found, and what it already has is not overwritten.
            let again = try await desk.forms.submit(formID: form.id, values: [
                "0-1/email": "ada@example.org", "0-1/firstname": "Mallory", "0-5/content": "Still on fire.",
            ])
            XCTAssertEqual(again.contactID, receipt.contactID)
            XCTAssertNotEqual(again.ticketID, receipt.ticketID, "each submission is its own ticket")
            let contact = try await desk.records.read(type: "contacts", ids: [receipt.contactID], options: ReadOptions(), by: people.agent)[0]
            XCTAssertEqual(contact.record.properties["firstname"], "Ada")
        }
    }

    func testC1WithTheSwitchOffASubmissionWaitsInTheInbox() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            var quiet = self.draft
            quiet.createsTickets = false
            let (form, _) = try await desk.forms.create(quiet, by: people.admin)
            let receipt = try await desk.forms.submit(formID: form.id, values: ["0-1/email": "ada@example.org", "0-5/content": "Hi"])
            XCTAssertNil(receipt.ticketID)
            let inbox = try await desk.conversations.list(inboxOnly: true, by: people.agent)
            XCTAssertEqual(inbox.conversations.map(\.id), [receipt.conversationID])
        }
    }

    func testC2BadSubmissionsAndTakenDownFormsStoreNothing() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let (form, _) = try await desk.forms.create(self.draft, by: people.admin)
            do {
                _ = try await desk.forms.submit(formID: form.id, values: ["0-1/email": "nope", "0-5/content": ""])
                XCTFail("a bad submission is refused")
            } catch HelpDeskError.invalidForm(let error) {
                XCTAssertEqual(error.problems.map(\.field), ["0-1/email", "0-5/content"])
            }
            try await desk.forms.archive(id: form.id, by: people.admin)
            do {
                _ = try await desk.forms.submit(formID: form.id, values: ["0-1/email": "ada@example.org", "0-5/content": "Hi"])
                XCTFail("a form taken down takes nothing")
            } catch HelpDeskError.notFound {}
            let tickets = try await desk.records.search(type: "tickets", SearchRequest(), by: people.agent)
            let contacts = try await desk.records.search(type: "contacts", SearchRequest(), by: people.agent)
            XCTAssertEqual(tickets.total + contacts.total, 0)
        }
    }

    func testFormsAreConfiguredByAdminsOnly() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            do {
                _ = try await desk.forms.create(self.draft, by: people.agent)
                XCTFail("an agent without account access cannot make forms")
            } catch HelpDeskError.forbidden {}
            var noEmail = self.draft
            noEmail.fields.removeFirst()
            do {
                _ = try await desk.forms.create(noEmail, by: people.admin)
                XCTFail("a form without an email field is refused")
            } catch HelpDeskError.invalidForm(let error) {
                XCTAssertTrue(error.message.contains("required contact email field"), error.message)
            }
        }
    }
}
