import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// R3: the saved text blocks agents insert, on each database.
final class SnippetTests: XCTestCase {
    func testR3AdminsKeepTheSnippetsEveryAgentReads() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            do {
                _ = try await desk.snippets.create(name: "refund", text: "We refunded you.", by: people.agent)
                XCTFail("an agent reads snippets but does not keep the list")
            } catch HelpDeskError.forbidden {}
            let refund = try await desk.snippets.create(name: " refund ", text: "We refunded you.", by: people.admin)
            XCTAssertEqual(refund.name, "refund")
            do {
                _ = try await desk.snippets.create(name: "Refund", text: "Again", by: people.admin)
                XCTFail("names are unique, whatever their case")
            } catch HelpDeskError.conflict {}
            do {
                _ = try await desk.snippets.create(name: "empty", text: "  ", by: people.admin)
                XCTFail("a snippet needs a text")
            } catch HelpDeskError.badRequest {}
            _ = try await desk.snippets.create(name: "apology", text: "Sorry for the wait.", by: people.admin)
            let seen = try await desk.snippets.list(by: people.agent)
            XCTAssertEqual(seen.map(\.name), ["apology", "refund"], "every agent reads them, by name")
            let changed = try await desk.snippets.update(id: refund.id, name: "refund", text: "Your refund is on its way.", by: people.admin)
            XCTAssertEqual(changed.text, "Your refund is on its way.")
            try await desk.snippets.delete(id: refund.id, by: people.admin)
            let left = try await desk.snippets.list(by: people.agent)
            XCTAssertEqual(left.map(\.name), ["apology"])
            do {
                try await desk.snippets.delete(id: refund.id, by: people.admin)
                XCTFail("gone is gone")
            } catch HelpDeskError.notFound {}
        }
    }
}
