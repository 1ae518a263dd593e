import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// V1: views saved from filters are their author's, or shared with one of their teams; what each
/// reader finds in one still follows their own access (R8).
final class SavedViewTests: XCTestCase {
    func testV1AViewIsPrivateUntilSharedWithATeamAndOnlyItsAuthorChangesIt() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.people.createUser(UserDraft(email: "colleague@example.com", serviceSeat: true))
            let outsider = Caller(user: try await desk.people.createUser(UserDraft(email: "outsider@example.com", serviceSeat: true)),
                                  source: "TEST")
            let billing = try await desk.people.createTeam(name: "Billing", memberEmails: ["agent@example.com", "colleague@example.com"])
            guard let agent = try await desk.people.user(email: "agent@example.com"),
                  let colleague = try await desk.people.user(email: "colleague@example.com") else { return XCTFail("the users exist") }
            let author = Caller(user: agent, source: "TEST"), teammate = Caller(user: colleague, source: "TEST")
            let urgent = [SearchRequest.Filter(propertyName: "hs_ticket_priority", operator: .eq, value: "HIGH")]

            let view = try await desk.savedViews.create(name: "  Urgent  ", teamID: nil, filters: urgent, sort: .longestWaiting, by: author)
            XCTAssertEqual(view.name, "Urgent")
            let own = try await desk.savedViews.list(by: author).map(\.name)
            XCTAssertEqual(own, ["Urgent"])
            let beforeSharing = try await desk.savedViews.list(by: teammate)
            XCTAssertTrue(beforeSharing.isEmpty, "a private view is its author's alone")
            do {
                _ = try await desk.savedViews.get(id: view.id, by: teammate)
                XCTFail("another's private view is not found")
            } catch HelpDeskError.notFound {}

            let shared = try await desk.savedViews.update(id: view.id, name: "Urgent billing", teamID: billing.id, filters: urgent,
                                                          sort: .newest, by: author)
            XCTAssertEqual(shared.authorID, agent.id)
            let seen = try await desk.savedViews.list(by: teammate).map(\.name)
            XCTAssertEqual(seen, ["Urgent billing"], "a member of the team sees the shared view")
            let outside = try await desk.savedViews.list(by: outsider)
            XCTAssertTrue(outside.isEmpty, "who is not in the team does not")
            do {
                try await desk.savedViews.delete(id: view.id, by: teammate)
                XCTFail("a teammate does not delete another's view")
            } catch HelpDeskError.forbidden {}
            do {
                _ = try await desk.savedViews.create(name: "Mine too", teamID: billing.id, filters: [], sort: .newest, by: outsider)
                XCTFail("a view is shared only with a team its author is in")
            } catch HelpDeskError.badRequest(let message) {
                XCTAssertTrue(message.contains("team you are in"), message)
            }
            try await desk.savedViews.delete(id: view.id, by: people.admin)
            let left = try await desk.savedViews.list(by: author)
            XCTAssertTrue(left.isEmpty, "an admin removes a shared view")
        }
    }

    func testV1AViewRefusesUnknownPropertiesAndFindsOnlyWhatItsReaderMaySee() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk, agentScope: .own)
            do {
                _ = try await desk.savedViews.create(name: "", teamID: nil,
                                                     filters: [.init(propertyName: "no_such_thing", operator: .eq, value: "1")],
                                                     sort: .lastActivity, by: people.agent)
                XCTFail("a view with no name and an unknown property is refused")
            } catch HelpDeskError.badRequest(let message) {
                XCTAssertTrue(message.contains("needs a name") && message.contains("no_such_thing"), message)
            }
            _ = try await desk.records.create(type: "tickets", [
                RecordInput(properties: ["subject": "Mine", "hs_pipeline": "0", "hs_pipeline_stage": "1", "hs_ticket_priority": "HIGH",
                                         Record.ownerProperty: people.agent.user.id]),
                RecordInput(properties: ["subject": "Not mine", "hs_pipeline": "0", "hs_pipeline_stage": "1", "hs_ticket_priority": "HIGH"]),
            ], by: people.admin)
            let view = try await desk.savedViews.create(
                name: "High", teamID: nil, filters: [.init(propertyName: "hs_ticket_priority", operator: .eq, value: "HIGH")],
                sort: .lastActivity, by: people.agent)
            let found = try await desk.records.list(type: "tickets", view.search(properties: ["subject"], limit: 10), by: people.agent)
            XCTAssertEqual(found.views.compactMap { $0.record.properties["subject"] }, ["Mine"], "R8 holds inside a saved view")
        }
    }
}
