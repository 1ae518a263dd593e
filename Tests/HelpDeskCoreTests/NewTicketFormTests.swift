import HelpDeskCore
import XCTest

/// P5: the New ticket form an admin arranges, and the internal names custom properties get.
final class NewTicketFormTests: XCTestCase {
    let product = PropertyDefinition(name: "product", label: "Product", type: .enumeration,
                                     options: [.init(label: "Printer", value: "printer"), .init(label: "Scanner", value: "scanner")])
    let serial = PropertyDefinition(name: "serial_number", label: "Serial number", type: .string)
    var tickets: RecordSchema {
        RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets) + [product, serial],
                     pipelines: [DefaultPipelines.tickets(at: Timestamp(millisecondsSince1970: 1_800_000_000_000))])
    }

    func testP5TheStandardFormShowsPriorityOwnerAndDescriptionAndRequiresNothingMore() {
        XCTAssertEqual(NewTicketForm.standard.shown(in: tickets).map(\.definition.name), ["hs_ticket_priority", "hubspot_owner_id", "content"])
        XCTAssertTrue(NewTicketForm.standard.missing(in: ["subject": "Printer jam"], schema: tickets).isEmpty)
        XCTAssertNil(NewTicketForm.standard.problem(in: tickets))
    }

    func testP5AdminsChooseWrittenPropertiesOnceEachButNeverNamePipelineOrStatusAgain() {
        let offered = Set(NewTicketForm.choices(in: tickets).map(\.name))
        XCTAssertTrue(offered.isSuperset(of: ["product", "serial_number", "hubspot_team_id", "content"]))
        XCTAssertTrue(offered.isDisjoint(with: ["subject", "hs_pipeline", "hs_pipeline_stage", "hs_object_id", "createdate"]),
                      "the name, pipeline and status are always there; what the help desk keeps itself is never asked for")
        XCTAssertNil(NewTicketForm(fields: [.init(name: "product", required: true), .init(name: "serial_number")]).problem(in: tickets))
        XCTAssertEqual(NewTicketForm(fields: [.init(name: "hs_object_id")]).problem(in: tickets),
                       "\"hs_object_id\" is not a ticket property the New ticket form can ask for.")
        XCTAssertEqual(NewTicketForm(fields: [.init(name: "product"), .init(name: "product", required: true)]).problem(in: tickets),
                       "\"product\" is on the New ticket form twice.")
        XCTAssertEqual(NewTicketForm(fields: [.init(name: "archived_one", required: true), .init(name: "product")]).shown(in: tickets)
                        .map(\.definition.name), ["product"], "a property archived since is no longer on the form, nor required")
    }

    func testP5ATicketFromTheFormNeedsEveryRequiredPropertyAndTheRefusalNamesThem() {
        let form = NewTicketForm(fields: [.init(name: "serial_number", required: true), .init(name: "hs_ticket_priority"),
                                          .init(name: "product", required: true)])
        let name = ["subject": "Printer jam", "hs_pipeline": "0", "hs_pipeline_stage": "1"]
        XCTAssertEqual(form.missing(in: name, schema: tickets).map(\.name), ["serial_number", "product"])
        XCTAssertEqual(form.refusal(of: name, schema: tickets),
                       "The New ticket form requires Serial number and Product; fill them in to create the ticket.")
        XCTAssertEqual(form.refusal(of: name.merging(["product": "printer", "serial_number": "  \n"]) { $1 }, schema: tickets),
                       "The New ticket form requires Serial number; fill it in to create the ticket.", "blank is empty")
        XCTAssertNil(form.refusal(of: name.merging(["product": "printer", "serial_number": "SN-1"]) { $1 }, schema: tickets))
    }

    func testP1ACustomPropertysInternalNameComesFromItsLabel() {
        XCTAssertEqual(PropertyRules.name(derivedFrom: "Product"), "product")
        XCTAssertEqual(PropertyRules.name(derivedFrom: "Délai (jours)"), "delai_jours")
        XCTAssertEqual(PropertyRules.name(derivedFrom: "  Serial   number #2 "), "serial_number_2")
        XCTAssertEqual(PropertyRules.name(derivedFrom: "2nd contact"), "p_2nd_contact", "a name starts with a letter")
        XCTAssertEqual(PropertyRules.name(derivedFrom: "Größe"), "groe", "a letter without one Latin base letter (ß) is left out")
        XCTAssertEqual(PropertyRules.name(derivedFrom: "!!!"), "p_")
        XCTAssertEqual(PropertyRules.name(derivedFrom: String(repeating: "a", count: 150)).count, 100)
        let schema = tickets
        for label in ["Product line", "Délai (jours)", "2nd contact", "Ünïcödé"] {
            let name = PropertyRules.name(derivedFrom: label)
            XCTAssertNoThrow(try PropertyRules.check(PropertyDefinition(name: name, label: label, type: .string), schema: schema, isNew: true),
                             "\(label) gives \(name), a name the rules accept")
        }
    }
}
