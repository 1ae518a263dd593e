import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// P1: projects are a built-in type with a default pipeline, like deals.
final class ProjectTests: XCTestCase {
    func testP1ProjectsMoveThroughTheirDefaultPipeline() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let pipelines = try await desk.pipelines.list(type: "projects", by: people.admin)
            XCTAssertEqual(pipelines.map(\.id), ["default"])
            XCTAssertEqual(pipelines.first?.stages.map(\.label), ["Planned", "In progress", "On hold", "Completed", "Cancelled"])
            let project = try await desk.records.create(type: "0-970", [RecordInput(properties: [
                "hs_name": "Office move", "hs_pipeline": "default", "hs_pipeline_stage": "planned", "hs_target_due_date": "2027-03-01",
            ])], by: people.admin)[0]
            _ = try await desk.records.update(type: "projects", [(project.id, ["hs_pipeline_stage": "in_progress"])], by: people.admin)
            let read = try await desk.records.read(type: "projects", ids: [project.id], options: ReadOptions(), by: people.admin)
            XCTAssertEqual(read.first?.record.properties["hs_pipeline_stage"], "in_progress")
            do {
                _ = try await desk.records.create(type: "projects", [RecordInput(properties: ["hs_description": "No name"])],
                                                  by: people.admin)
                XCTFail("a project without a name was created")
            } catch HelpDeskError.invalidInput {
            }
        }
    }
}
