import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// R3: reply templates are kept by those who keep the snippets and read by every agent.
final class ReplyTemplateTests: XCTestCase {
    func testR3TemplatesAreKeptByAdminsAndReadByAgents() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let made = try await desk.replyTemplates.create(name: " Refund accepted ", body: "Your refund is on its way.", by: people.admin)
            XCTAssertEqual(made.name, "Refund accepted")
            let read = try await desk.replyTemplates.list(by: people.agent).map(\.body)
            XCTAssertEqual(read, ["Your refund is on its way."], "agents read the templates")
            do {
                _ = try await desk.replyTemplates.create(name: "Mine", body: "text", by: people.agent)
                XCTFail("an agent without the right keeps no template")
            } catch HelpDeskError.forbidden {}
            do {
                _ = try await desk.replyTemplates.create(name: "refund ACCEPTED", body: "again", by: people.admin)
                XCTFail("two templates do not share a name")
            } catch HelpDeskError.conflict {}
            do {
                _ = try await desk.replyTemplates.create(name: "Empty", body: "  ", by: people.admin)
                XCTFail("a template needs a text")
            } catch HelpDeskError.badRequest {}
            let changed = try await desk.replyTemplates.update(id: made.id, name: "Refund sent", body: "Sent today.", by: people.admin)
            XCTAssertEqual(changed.body, "Sent today.")
            try await desk.replyTemplates.delete(id: made.id, by: people.admin)
            let left = try await desk.replyTemplates.list(by: people.admin)
            XCTAssertTrue(left.isEmpty)
        }
    }
}
