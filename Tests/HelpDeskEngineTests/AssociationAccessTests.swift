import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// R8 on links between records: what a user may not see is not listed, nor linked to, nor unlinked.
final class AssociationAccessTests: XCTestCase {
    func testR8AssociationListsNameOnlyTicketsTheCallerMaySee() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk, agentScope: .own)
            let contact = try await desk.records.create(type: "contacts", [RecordInput(properties: ["email": "ann@example.org"])],
                                                        by: people.admin)[0]
            var tickets: [String: String] = [:]
            for (name, owner) in [("mine", people.agent.user.id), ("theirs", people.admin.user.id)] {
                let ticket = try await desk.records.create(type: "tickets", [RecordInput(properties: [
                    "subject": name, "hs_pipeline": "0", "hs_pipeline_stage": "1", "hubspot_owner_id": owner,
                ])], by: people.admin)[0]
                _ = try await desk.associations.associate("contacts", contact.id, with: "tickets", ticket.id, by: people.admin)
                tickets[name] = ticket.id
            }
            let listed = try await desk.associations.list("contacts", contact.id, toType: "tickets", after: nil, limit: 100,
                                                          by: people.agent)
            XCTAssertEqual(listed.associations.map(\.toObjectID), [tickets["mine"]!])
            let read = try await desk.records.read(type: "contacts", ids: [contact.id], options: ReadOptions(associations: ["tickets"]),
                                                   by: people.agent)
            XCTAssertEqual(read.first?.associations.first?.1.map(\.toObjectID), [tickets["mine"]!])
            let everything = try await desk.associations.list("contacts", contact.id, toType: "tickets", after: nil, limit: 100,
                                                              by: people.admin)
            XCTAssertEqual(Set(everything.associations.map(\.toObjectID)), Set(tickets.values))
            do {
                _ = try await desk.associations.associate("contacts", contact.id, with: "tickets", tickets["theirs"]!, by: people.agent)
                XCTFail("an agent linked a ticket they may not see")
            } catch HelpDeskError.notFound {
            }
            do {
                try await desk.associations.dissociate("tickets", tickets["theirs"]!, from: "contacts", contact.id, by: people.agent)
                XCTFail("an agent unlinked a ticket they may not see")
            } catch HelpDeskError.notFound {
            }
            let kept = try await desk.associations.list("contacts", contact.id, toType: "tickets", after: nil, limit: 100, by: people.admin)
            XCTAssertEqual(kept.associations.count, 2, "the link stays")
            try await desk.associations.dissociate("tickets", tickets["mine"]!, from: "contacts", contact.id, by: people.agent)
            let left = try await desk.associations.list("contacts", contact.id, toType: "tickets", after: nil, limit: 100, by: people.admin)
            XCTAssertEqual(left.associations.map(\.toObjectID), [tickets["theirs"]!], "an agent unlinks their own ticket")
        }
    }
}
