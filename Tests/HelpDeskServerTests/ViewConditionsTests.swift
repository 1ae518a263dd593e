@testable import HelpDeskServer
import HelpDeskCore
import XCTest

/// V1: a saved view's conditions are written as agents speak, with names, and stored as ids.
final class ViewConditionsTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 0)
    var conditions: ViewConditions {
        let ada = User(id: "7", email: "ada@example.com", firstName: "Ada", lastName: "Admin", roles: [.superAdmin], createdAt: now, updatedAt: now)
        return ViewConditions(
            tickets: RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [DefaultPipelines.tickets(at: now)]),
            users: [ada], teams: [Team(id: "3", name: "Billing", memberIDs: [], createdAt: now, updatedAt: now)])
    }

    func testV1ConditionsTakeNamesAndKeepIds() {
        let (filters, problems) = conditions.filters(from: [
            .init(property: "hs_pipeline_stage", comparison: .equals, value: "waiting on us, New"),
            .init(property: Record.ownerProperty, comparison: .differs, value: "ada@example.com"),
            .init(property: Record.teamProperty, comparison: .equals, value: "billing"),
            .init(property: "hs_ticket_priority", comparison: .equals, value: "High"),
            .init(property: "", comparison: .equals, value: "ignored: no property"),
            .init(property: "subject", comparison: .contains, value: "refund"),
        ])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(filters, [
            .init(propertyName: "hs_pipeline_stage", operator: .in, values: ["3", "1"]),
            .init(propertyName: Record.ownerProperty, operator: .neq, value: "7"),
            .init(propertyName: Record.teamProperty, operator: .eq, value: "3"),
            .init(propertyName: "hs_ticket_priority", operator: .eq, value: "HIGH"),
            .init(propertyName: "subject", operator: .containsToken, value: "refund"),
        ])
        XCTAssertEqual(conditions.rows(from: filters).map(\.value), ["Waiting on us, New", "Ada Admin", "Billing", "High", "refund"])
    }

    func testV1ConditionsRefuseWhatTheyCannotRead() {
        let (_, problems) = conditions.filters(from: [
            .init(property: "hs_ticket_priority", comparison: .equals, value: "Whenever"),
            .init(property: "createdate", comparison: .after, value: "last week"),
            .init(property: "subject", comparison: .equals, value: " "),
            .init(property: "no_such_property", comparison: .known, value: ""),
        ])
        XCTAssertEqual(problems.count, 4, "\(problems)")
        XCTAssertTrue(problems[0].contains("High"), "the names it knows are listed: \(problems[0])")
        XCTAssertTrue(problems[1].contains("2026-12-31"), problems[1])
    }
}
