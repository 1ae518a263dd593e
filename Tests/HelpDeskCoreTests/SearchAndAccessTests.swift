import HelpDeskCore
import XCTest

final class SearchAndAccessTests: XCTestCase {
    let schema = RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [])
    let filter = SearchRequest.Filter(propertyName: "subject", operator: .eq, value: "x")

    func problems(_ request: SearchRequest) -> [String] {
        do {
            _ = try request.validated(against: schema)
            return []
        } catch {
            return error.problems
        }
    }

    func testSearchLimitsMatchTheCommercialAPI() {
        XCTAssertEqual(problems(SearchRequest(filterGroups: Array(repeating: [filter], count: 5), limit: 200)), [])
        XCTAssertTrue(problems(SearchRequest(filterGroups: Array(repeating: [filter], count: 6)))[0].contains("at most 5"))
        XCTAssertTrue(problems(SearchRequest(filterGroups: [Array(repeating: filter, count: 11)]))[0].contains("at most 10"))
        let twentySix = Array(repeating: Array(repeating: filter, count: 6), count: 4) + [[filter, filter]]
        XCTAssertTrue(problems(SearchRequest(filterGroups: twentySix)).joined().contains("at most 25"))
        XCTAssertTrue(problems(SearchRequest(limit: 201))[0].contains("200"))
    }

    func testSearchNamesUnknownPropertiesAndMissingValues() {
        let found = problems(SearchRequest(filterGroups: [[
            .init(propertyName: "colour", operator: .eq, value: "red"),
            .init(propertyName: "subject", operator: .in),
            .init(propertyName: "subject", operator: .between, value: "a"),
        ]], sorts: [.init(propertyName: "nope", descending: false)]))
        XCTAssertEqual(found.count, 4)
        XCTAssertTrue(found[0].contains("colour"))
        XCTAssertTrue(found[3].contains("nope"))
    }

    let now = Timestamp(millisecondsSince1970: 0)

    func user(_ roles: Roles, scope: TicketScope = .all, teams: [String] = []) -> User {
        User(id: "7", email: "agent@example.com", roles: roles, ticketScope: scope, teamIDs: teams, createdAt: now, updatedAt: now)
    }

    func testFullTextIsTheSameWordsWhateverTheAlphabet() {
        // ASCII text takes a byte-wise path; it must agree with the Unicode one, word for word.
        for text in ["The printer on floor 3 is JAMMED again!", "SN-1 a.b@example.com  x_y\r\n\tz", "", "  --  ", "ABC123def",
                     "trailing space ", "  leading"] {
            XCTAssertEqual(IndexedValue.fullText(of: ["subject": text], type: .tickets),
                           IndexedValue.words(of: text).joined(separator: " "), text)
        }
        XCTAssertEqual(IndexedValue.fullText(of: ["subject": "Crème brûlée, ÉTÉ 2024"], type: .tickets), "crème brûlée été 2024")
        XCTAssertEqual(IndexedValue.fullText(of: ["subject": "Printer", "content": "jammed"], type: .tickets).split(separator: " ").sorted(),
                       ["jammed", "printer"])
    }

    func testSearchableValuesAreLoweredAndCutToTheIndexLength() {
        XCTAssertEqual(IndexedValue.searchable("MEDIUM"), "medium")
        XCTAssertEqual(IndexedValue.searchable(String(repeating: "A", count: 500)), String(repeating: "a", count: 200))
        XCTAssertEqual(IndexedValue.searchable(String(repeating: "é", count: 150)).count, 150)
        XCTAssertEqual(IndexedValue.searchable(String(repeating: "É", count: 300)), String(repeating: "é", count: 200))
    }

    func testR8TicketsNeedHelpDeskAccess() {
        XCTAssertThrowsError(try Access.check(user([.workflowPermission]), may: .readRecords(.tickets)))
        XCTAssertNoThrow(try Access.check(user([.helpDeskAccess]), may: .writeRecords(.tickets)))
        XCTAssertNoThrow(try Access.check(user([.workflowPermission]), may: .readRecords(.contacts)))
        XCTAssertNoThrow(try Access.check(user([.superAdmin]), may: .readRecords(.tickets)))
    }

    func testR8ScopeNarrowsWhichTicketsAUserSees() {
        XCTAssertTrue(Access.canSee(ticketOwnedBy: "1", team: nil, user: user([.helpDeskAccess])))
        XCTAssertFalse(Access.canSee(ticketOwnedBy: "1", team: nil, user: user([.helpDeskAccess], scope: .own)))
        XCTAssertTrue(Access.canSee(ticketOwnedBy: "7", team: nil, user: user([.helpDeskAccess], scope: .own)))
        XCTAssertTrue(Access.canSee(ticketOwnedBy: nil, team: "3", user: user([.helpDeskAccess], scope: .team, teams: ["3"])))
        XCTAssertFalse(Access.canSee(ticketOwnedBy: nil, team: "4", user: user([.helpDeskAccess], scope: .team, teams: ["3"])))
        XCTAssertFalse(Access.canSee(ticketOwnedBy: "7", team: nil, user: user([.workflowPermission])))
    }

    func testW6AutomationNeedsSuperAdminAccountAccessOrTheWorkflowPermission() {
        XCTAssertThrowsError(try Access.check(user([.helpDeskAccess]), may: .configureAutomation))
        XCTAssertNoThrow(try Access.check(user([.accountAccess]), may: .configureAutomation))
        XCTAssertNoThrow(try Access.check(user([.workflowPermission]), may: .configureAutomation))
        XCTAssertNoThrow(try Access.check(user([.superAdmin]), may: .configureAutomation))
    }

    func testAccountSettingsNeedAccountAccess() {
        XCTAssertThrowsError(try Access.check(user([.helpDeskAccess]), may: .configurePipelines(.tickets)))
        XCTAssertNoThrow(try Access.check(user([.accountAccess]), may: .configurePipelines(.tickets)))
    }

    func testDeactivatedUsersMayDoNothing() {
        var gone = user([.superAdmin])
        gone.archived = true
        XCTAssertThrowsError(try Access.check(gone, may: .readOwners))
    }

    func testRolesReadFromTheirNames() {
        XCTAssertEqual(Roles(names: "help-desk, workflow"), [.helpDeskAccess, .workflowPermission])
        XCTAssertNil(Roles(names: "wizard"))
        XCTAssertEqual(Roles(names: ""), [])
    }

    func testP2PipelineDraftsAreChecked() throws {
        let draft = PipelineDraft(label: "Support", displayOrder: 0, stages: [
            .init(label: "Open", displayOrder: 0, metadata: ["ticketState": "OPEN"]),
            .init(label: "Done", displayOrder: 1, metadata: ["ticketState": "CLOSED", "requiredProperties": "hs_resolution"]),
        ])
        var ids = 0
        let pipeline = try PipelineDraft.build(draft, id: "9", schema: schema, previous: nil, now: now) {
            ids += 1
            return "s\(ids)"
        }
        XCTAssertEqual(pipeline.stages.map(\.id), ["s1", "s2"])
        XCTAssertEqual(pipeline.stages[1].requiredProperties, ["hs_resolution"])
        XCTAssertEqual(pipeline.firstOpenStage?.id, "s1")
        let bad = PipelineDraft(label: "", displayOrder: 0, stages: [
            .init(label: "Open", displayOrder: 0, metadata: [:]),
            .init(label: "open", displayOrder: 1, metadata: ["ticketState": "CLOSED", "requiredProperties": "nope"]),
        ])
        XCTAssertThrowsError(try PipelineDraft.build(bad, id: "9", schema: schema, previous: nil, now: now) { "x" }) { error in
            XCTAssertEqual((error as? PipelineError)?.problems.count, 5)
        }
    }
}
