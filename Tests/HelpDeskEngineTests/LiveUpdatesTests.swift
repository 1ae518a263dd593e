import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// The workspace's live updates, on each database.
final class LiveUpdatesTests: XCTestCase {
    func testR8AnAgentHearsOnlyOfTicketsTheyMaySeeAndResumesWhereTheyLeft() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk, agentScope: .own)
            let start = desk.live.head()
            let others = try await desk.records.create(type: "tickets", [
                RecordInput(properties: ["subject": "Someone else's", "hs_pipeline": "0", "hs_pipeline_stage": "1"]),
            ], by: people.admin)
            let mine = try await desk.records.create(type: "tickets", [
                RecordInput(properties: ["subject": "Mine", "hs_pipeline": "0", "hs_pipeline_stage": "1",
                                         "hubspot_owner_id": people.agent.user.id]),
            ], by: people.admin)
            var heard: [LiveUpdates.Update] = []
            for await signal in desk.live.follow(after: start, by: people.agent) {
                if case .updates(let updates) = signal { heard += updates }
                if heard.contains(where: { $0.ticketID == mine[0].id }) { break }
            }
            XCTAssertFalse(heard.contains { $0.ticketID == others[0].id }, "nothing of a ticket the agent may not see")
            XCTAssertTrue(heard.allSatisfy { $0.position > start })
            let resumeAt = try XCTUnwrap(heard.last?.position)
            _ = try await desk.records.update(type: "tickets", [(id: mine[0].id, properties: ["hs_pipeline_stage": "2"])], by: people.admin)
            var after: [LiveUpdates.Update] = []
            for await signal in desk.live.follow(after: resumeAt, by: people.agent) {
                if case .updates(let updates) = signal { after += updates }
                if after.contains(where: { $0.kind == FeedEvent.Kind.stageEntered.rawValue }) { break }
            }
            XCTAssertTrue(after.allSatisfy { $0.position > resumeAt }, "a page that comes back hears only what it missed")
            XCTAssertEqual(Set(after.compactMap(\.ticketID)), [mine[0].id])
        }
    }
}
