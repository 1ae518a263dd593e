import HelpDeskCore
import HelpDeskEngine
import HelpDeskStore
import HelpDeskTestSupport
import XCTest

/// P1 and P5 on each database: custom properties made through the schema service, and the New
/// ticket form an admin arranges, kept, announced on the feed and held to by the page's tickets only.
final class NewTicketFormTests: XCTestCase {
    let product = PropertyDefinition(name: "product", label: "Product", type: .enumeration,
                                     options: [.init(label: "Printer", value: "printer"), .init(label: "Scanner", value: "scanner")])

    func testP1AdminsMakeChangeAndArchiveCustomPropertiesAndTheServiceRefusesWhatTheRulesRefuse() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            do {
                _ = try await desk.schemas.saveProperty(product, of: "tickets", isNew: true, by: people.agent)
                XCTFail("an agent without account access defines no property")
            } catch HelpDeskError.forbidden {}
            let made = try await desk.schemas.saveProperty(product, of: "tickets", isNew: true, by: people.admin)
            XCTAssertEqual(made.definition.options.map(\.value), ["printer", "scanner"])
            XCTAssertFalse(made.definition.builtIn)
            do {
                _ = try await desk.schemas.saveProperty(product, of: "tickets", isNew: true, by: people.admin)
                XCTFail("a name is taken once")
            } catch HelpDeskError.conflict(let message) {
                XCTAssertTrue(message.contains("already exists"), message)
            }
            var empty = product
            empty.name = "empty_choice"
            empty.options = []
            do {
                _ = try await desk.schemas.saveProperty(empty, of: "tickets", isNew: true, by: people.admin)
                XCTFail("an enumeration needs options")
            } catch HelpDeskError.badRequest(let message) {
                XCTAssertTrue(message.contains("at least one option"), message)
            }
            var changed = made.definition
            changed.label = "Product line"
            changed.options.append(.init(label: "Copier", value: "copier", displayOrder: 2))
            let saved = try await desk.schemas.saveProperty(changed, of: "tickets", isNew: false, by: people.admin)
            XCTAssertEqual(saved.definition.label, "Product line")
            XCTAssertEqual(saved.definition.options.map(\.value), ["printer", "scanner", "copier"])
            do {
                try await desk.schemas.archiveProperty("subject", of: "tickets", by: people.admin)
                XCTFail("built-in properties stay")
            } catch HelpDeskError.badRequest {}
            try await desk.schemas.archiveProperty("product", of: "tickets", by: people.admin)
            let left = try await desk.schemas.properties(of: "tickets", by: people.admin).map(\.definition.name)
            XCTAssertFalse(left.contains("product"))
        }
    }

    func testP5TheNewTicketFormIsKeptAnnouncedAndRequiredOfTicketsFromItOnly() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.schemas.saveProperty(product, of: "tickets", isNew: true, by: people.admin)
            let standard = try await desk.newTicketForm.current(by: people.agent)
            XCTAssertEqual(standard, .standard, "until an admin arranges it, the form is the standard one")

            let arranged = NewTicketForm(fields: [.init(name: "product", required: true), .init(name: "hs_ticket_priority")])
            do {
                try await desk.newTicketForm.save(arranged, by: people.agent)
                XCTFail("an agent without account access does not arrange the form")
            } catch HelpDeskError.forbidden {}
            do {
                try await desk.newTicketForm.save(NewTicketForm(fields: [.init(name: "no_such_property")]), by: people.admin)
                XCTFail("the form holds ticket properties only")
            } catch HelpDeskError.badRequest(let message) {
                XCTAssertTrue(message.contains("no_such_property"), message)
            }
            let start = try await desk.database.read { try await $0.feedHead() }
            try await desk.newTicketForm.save(arranged, by: people.admin)
            let kept = try await desk.newTicketForm.current(by: people.agent)
            XCTAssertEqual(kept, arranged)
            let events = try await desk.database.read { try await $0.events(after: start, limit: 100) }
            XCTAssertTrue(events.contains { $0.kind == .configurationChanged && $0.area == .ticketForm }, "\(events)")

            let place = ["subject": "Printer jam", "hs_pipeline": "0", "hs_pipeline_stage": "1"]
            do {
                _ = try await desk.newTicketForm.createTicket(place, by: people.agent)
                XCTFail("a ticket from the form needs its required properties")
            } catch HelpDeskError.badRequest(let message) {
                XCTAssertEqual(message, "The New ticket form requires Product; fill it in to create the ticket.")
            }
            let made = try await desk.newTicketForm.createTicket(place.merging(["product": "printer"]) { $1 }, by: people.agent)
            XCTAssertEqual(made.properties["product"], "printer")
            let fromAPI = try await desk.records.create(type: "tickets", [RecordInput(properties: place)], by: people.agent)
            XCTAssertEqual(fromAPI.count, 1, "the API's tickets are not held to the page's form")
        }
    }
}
