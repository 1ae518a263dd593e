import HelpDeskCore
import XCTest

/// R7: what shows beside the thread, and the timeline in words.
final class SideColumnTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    var tickets: RecordSchema {
        RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [DefaultPipelines.tickets(at: now)])
    }

    func testR7EachUserChoosesThePropertiesShownAndTheDefaultsStandOtherwise() {
        XCTAssertEqual(SideColumn.properties(chosen: nil, in: tickets).map(\.name), SideColumn.defaultProperties)
        XCTAssertEqual(SideColumn.properties(chosen: ["hs_language", "gone_property", "hs_language", "hs_ticket_priority"], in: tickets)
            .map(\.name), ["hs_language", "hs_ticket_priority"], "in the order chosen, once each; removed properties are skipped")
        let offered = Set(SideColumn.choices(in: tickets).map(\.name))
        XCTAssertFalse(offered.contains("hs_object_id"), "identifiers the help desk keeps are not offered")
        XCTAssertFalse(offered.contains("hubspot_owner_id"), "the owner always shows in its own place")
        XCTAssertTrue(offered.contains("hs_resolution"))
        XCTAssertNil(SideColumn.problem(with: ["hs_resolution"], in: tickets))
        XCTAssertNotNil(SideColumn.problem(with: ["hs_object_id"], in: tickets))
        XCTAssertNotNil(SideColumn.problem(with: Array(repeating: "hs_resolution", count: SideColumn.maxProperties + 1), in: tickets))
    }

    func testR7TheTimelineSaysWhoChangedWhatWithTheNamesUsersKnow() {
        let people = ["12": "Ada Admin", "13": "Ann Agent"]
        func line(_ kind: FeedEvent.Kind, _ property: String? = nil, _ old: String? = nil, _ new: String? = nil, actor: String = "12") -> String? {
            ActivityLine.describe(FeedEvent(recordID: "5", objectType: ObjectType.tickets.id, kind: kind, property: property, oldValue: old,
                                            newValue: new, actor: actor, source: "TEST", occurredAt: now),
                                  schema: tickets, people: people, teams: ["3": "Billing"])
        }
        XCTAssertEqual(line(.created), "Ada Admin created the ticket")
        XCTAssertEqual(line(.propertyChanged, "hs_pipeline_stage", "1", "2"), "Ada Admin changed Status from New to Waiting on contact")
        XCTAssertEqual(line(.propertyChanged, "hubspot_owner_id", nil, "13"), "Ada Admin set Owner to Ann Agent")
        XCTAssertEqual(line(.propertyChanged, "hubspot_owner_id", "13", ""), "Ada Admin cleared Owner (was Ann Agent)")
        XCTAssertEqual(line(.propertyChanged, "hubspot_team_id", nil, "3"), "Ada Admin set Team to Billing")
        XCTAssertEqual(line(.propertyChanged, "hs_ticket_category", nil, "BILLING_ISSUE;FEATURE_REQUEST"),
                       "Ada Admin set Category to Billing issue, Feature request")
        XCTAssertEqual(line(.propertyChanged, "hs_ticket_priority", "LOW", "HIGH", actor: "system"),
                       "The help desk changed Priority from Low to High")
        XCTAssertEqual(line(.propertyChanged, "subject", "A", "B", actor: "99"), "Someone changed Ticket name from A to B")
        XCTAssertNil(line(.stageEntered, "hs_pipeline_stage", nil, "2"), "a stage entry repeats its status change")
        XCTAssertEqual(line(.associated, ObjectType.contacts.id, nil, "8"), "Ada Admin linked a contact (#8)")
        XCTAssertEqual(line(.conversationChanged, "status", "OPEN", "CLOSED"), "The conversation was closed")
    }
}

/// Collision: who else shows on a ticket.
final class PresenceRuleTests: XCTestCase {
    func testCollisionOthersReplyingComeFirstAndSilentPagesHaveLeft() {
        let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
        func seen(_ user: String, _ replying: Bool, secondsAgo: Int64) -> Presence {
            Presence(ticketID: "5", userID: user, replying: replying, seenAt: now.adding(milliseconds: -secondsAgo * 1_000))
        }
        let all = [seen("1", false, secondsAgo: 1), seen("2", false, secondsAgo: 10), seen("3", true, secondsAgo: 20),
                   seen("4", true, secondsAgo: 45), seen("me", true, secondsAgo: 0)]
        XCTAssertEqual(Presence.others(all, besides: "me", at: now).map(\.userID), ["3", "1", "2"],
                       "replying first, then the most recent; never oneself; 45 s of silence is gone")
    }
}
