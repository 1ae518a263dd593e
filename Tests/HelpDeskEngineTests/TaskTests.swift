import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// Tasks are records of their own (W2's "create a task"), stored, linked and searched as the CRM
/// v3 API does, on each database.
final class TaskTests: XCTestCase {
    func testW2ATaskIsARecordWithADueTimeAnOwnerAndItsTicket() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let ticket = try await desk.records.create(type: "tickets", [
                RecordInput(properties: ["subject": "Printer on fire", "hs_pipeline": "0", "hs_pipeline_stage": "1"]),
            ], by: people.agent)[0]
            do {
                _ = try await desk.records.create(type: "tasks", [RecordInput(properties: ["hs_task_subject": "Call back"])], by: people.agent)
                XCTFail("a task needs its due time")
            } catch HelpDeskError.invalidInput(let error) {
                XCTAssertTrue(error.message.contains("hs_timestamp"), error.message)
            }
            do {
                _ = try await desk.records.create(type: "tasks", [RecordInput(properties: [
                    "hs_task_subject": "Call back", "hs_timestamp": "2026-12-04T09:00:00Z", "hs_task_status": "SOMEDAY",
                ])], by: people.agent)
                XCTFail("a status must be one of the task statuses")
            } catch HelpDeskError.invalidInput {}
            let task = try await desk.records.create(type: "0-27", [RecordInput(properties: [
                "hs_task_subject": "Call back about the printer", "hs_timestamp": "2026-12-04T09:00:00Z", "hs_task_status": "NOT_STARTED",
                "hs_task_priority": "HIGH", "hubspot_owner_id": people.agent.user.id,
            ], associations: [AssociationInput(toID: ticket.id, typeIDs: [230])])], by: people.agent)[0]
            let read = try await desk.records.read(type: "tasks", ids: [task.id], options: ReadOptions(associations: ["tickets"]),
                                                   by: people.agent)[0]
            XCTAssertEqual(read.record.properties["hs_task_subject"], "Call back about the printer")
            XCTAssertEqual(read.record.properties["hs_task_status"], "NOT_STARTED")
            XCTAssertNotNil(read.record.properties["hs_timestamp"])
            XCTAssertEqual(read.associations.first?.1.map(\.toObjectID), [ticket.id], "task to ticket is association type 230")
            let back = try await desk.records.read(type: "tickets", ids: [ticket.id], options: ReadOptions(associations: ["tasks"]),
                                                   by: people.agent)[0]
            XCTAssertEqual(back.associations.first?.1.first?.types.first?.id, 229, "and ticket to task 229")
            let mine = try await desk.records.search(type: "tasks", SearchRequest(filterGroups: [[
                SearchRequest.Filter(propertyName: "hubspot_owner_id", operator: .eq, value: people.agent.user.id),
                SearchRequest.Filter(propertyName: "hs_task_status", operator: .neq, value: "COMPLETED"),
            ]]), by: people.agent)
            XCTAssertEqual(mine.views.map(\.record.id), [task.id], "an agent finds their open tasks")
        }
    }
}
