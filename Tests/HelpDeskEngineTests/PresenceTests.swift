import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import NIOConcurrencyHelpers
import XCTest

/// Collision: who else is viewing or replying to a ticket, on each database.
final class PresenceTests: XCTestCase {
    func testCollisionAgentsSeeWhoElseIsViewingOrReplyingUntilTheyLeave() async throws {
        let now = NIOLockedValueBox(Timestamp(millisecondsSince1970: 1_800_000_000_000))
        try await TestDatabases.each(clock: { now.withLockedValue { $0 } }) { desk in
            now.withLockedValue { $0 = Timestamp(millisecondsSince1970: 1_800_000_000_000) }
            let people = try await TestPeople.make(on: desk, agentScope: .all)
            let made = try await desk.records.create(type: "tickets", [RecordInput(properties: ["subject": "Broken", "hs_pipeline": "0",
                                                                                                  "hs_pipeline_stage": "1"])],
                                                     by: people.admin)
            let ticketID = try XCTUnwrap(made.first?.id)
            let alone = try await desk.presence.beat(ticketID: ticketID, replying: false, by: people.admin)
            XCTAssertTrue(alone.isEmpty, "nobody else yet")
            let seenByAgent = try await desk.presence.beat(ticketID: ticketID, replying: true, by: people.agent)
            XCTAssertEqual(seenByAgent.map(\.user.id), [people.admin.user.id])
            XCTAssertEqual(seenByAgent.first?.replying, false)
            now.withLockedValue { $0 = $0.adding(milliseconds: Presence.beatInterval) }
            let seenByAdmin = try await desk.presence.beat(ticketID: ticketID, replying: false, by: people.admin)
            XCTAssertEqual(seenByAdmin.map(\.user.id), [people.agent.user.id])
            XCTAssertEqual(seenByAdmin.first?.replying, true, "the admin sees the agent is writing a reply")
            now.withLockedValue { $0 = $0.adding(milliseconds: Presence.expiry) }
            let afterSilence = try await desk.presence.beat(ticketID: ticketID, replying: false, by: people.admin)
            XCTAssertTrue(afterSilence.isEmpty, "a page not heard from for three beats has closed")
            _ = try await desk.presence.beat(ticketID: ticketID, replying: false, by: people.agent)
            try await desk.presence.leave(ticketID: ticketID, by: people.agent)
            let afterLeaving = try await desk.presence.beat(ticketID: ticketID, replying: false, by: people.admin)
            XCTAssertTrue(afterLeaving.isEmpty, "closing the page says so at once")
            do {
                _ = try await desk.presence.beat(ticketID: "999999", replying: false, by: people.agent)
                XCTFail("only on a ticket one may see")
            } catch HelpDeskError.notFound {}
        }
    }
}
