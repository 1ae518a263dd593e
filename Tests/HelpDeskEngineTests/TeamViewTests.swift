import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// V1: the team views find the tickets of the user's teams, on each database.
final class TeamViewTests: XCTestCase {
    func testV1TeamViewsListTheTicketsOfTheUsersTeams() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let billing = try await desk.people.createTeam(name: "Billing", memberEmails: ["agent@example.com"])
            let other = try await desk.people.createTeam(name: "Sales", memberEmails: [])
            var tickets: [RecordInput] = []
            for (subject, team, owner) in [("Billing, nobody's", billing.id, ""), ("Billing, the agent's", billing.id, people.agent.user.id),
                                           ("Sales, nobody's", other.id, ""), ("No team", "", "")] {
                var properties = ["subject": subject, "hs_pipeline": "0", "hs_pipeline_stage": "1"]
                if !team.isEmpty { properties["hubspot_team_id"] = team }
                if !owner.isEmpty { properties[Record.ownerProperty] = owner }
                tickets.append(RecordInput(properties: properties))
            }
            _ = try await desk.records.create(type: "tickets", tickets, by: people.admin)
            guard let agent = try await desk.people.user(email: "agent@example.com") else { return XCTFail("the agent exists") }
            let caller = Caller(user: agent, source: "TEST")
            let schema = try await desk.recordSchema("tickets")
            func subjects(_ view: WorkspaceView) async throws -> [String] {
                guard let search = view.search(for: agent, tickets: schema, properties: ["subject"], limit: 10) else { return [] }
                return try await desk.records.search(type: "tickets", search, by: caller).views.compactMap { $0.record.properties["subject"] }.sorted()
            }
            let unassigned = try await subjects(.teamsUnassigned)
            XCTAssertEqual(unassigned, ["Billing, nobody's"])
            let open = try await subjects(.teamOpen)
            XCTAssertEqual(open, ["Billing, nobody's", "Billing, the agent's"], "the agent's only team counts as their team")
        }
    }
}
