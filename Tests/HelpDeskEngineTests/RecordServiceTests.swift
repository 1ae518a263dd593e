import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import Logging
import NIOConcurrencyHelpers
import XCTest

final class RecordServiceTests: XCTestCase {
    func newTicket(_ desk: HelpDesk, _ caller: Caller, _ subject: String, stage: String = "1",
                   _ extra: [String: String] = [:]) async throws -> Record {
        try await desk.records.create(type: "tickets", [RecordInput(properties: [
            "subject": subject, "hs_pipeline": "0", "hs_pipeline_stage": stage,
        ].merging(extra) { $1 })], by: caller)[0]
    }

    func testRecordsRoundTripThroughStorage() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let created = try await newTicket(desk, people.agent, "Printer on fire", ["hs_ticket_priority": "HIGH", "content": "Smoke"])
            let read = try await desk.records.read(type: "0-5", ids: [created.id],
                                                   options: ReadOptions(properties: ["subject", "content", "closed_date"]),
                                                   by: people.agent)
            XCTAssertEqual(read.count, 1)
            let values = Dictionary(uniqueKeysWithValues: read[0].properties.map { ($0.0, $0.1) })
            XCTAssertEqual(values["subject"], "Printer on fire")
            XCTAssertEqual(values["content"], "Smoke")
            XCTAssertEqual(values["closed_date"], .some(nil))
            XCTAssertEqual(values["hs_object_id"], created.id)
        }
    }

    func testR7EveryChangeIsLoggedWithWhoWhenOldAndNew() async throws {
        let clock = TestClock(start: 1_000_000)
        try await TestDatabases.each(clock: clock.now) { desk in
            let people = try await TestPeople.make(on: desk)
            let ticket = try await newTicket(desk, people.agent, "Printer on fire")
            let created = clock.now().millisecondsSince1970
            clock.advance(by: 5000)
            _ = try await desk.records.update(type: "tickets", [(ticket.id, ["hs_pipeline_stage": "3", "content": "Toner"])],
                                              by: people.admin)
            let timeline = try await desk.records.timeline(type: "tickets", id: ticket.id, by: people.admin)
            let stageChanges = timeline.filter { $0.kind == .propertyChanged && $0.property == "hs_pipeline_stage" }
            XCTAssertEqual(stageChanges.map(\.newValue), ["3"])
            XCTAssertEqual(stageChanges[0].oldValue, "1")
            XCTAssertEqual(stageChanges[0].actor, people.admin.user.id)
            XCTAssertEqual(stageChanges[0].occurredAt.millisecondsSince1970, created + 5000)
            let creation = try XCTUnwrap(timeline.last)
            XCTAssertEqual(creation.values["hs_pipeline_stage"], "1")
            XCTAssertEqual(creation.values["subject"], "Printer on fire")
            XCTAssertEqual(creation.actor, people.agent.user.id)
            XCTAssertEqual(creation.occurredAt.millisecondsSince1970, created)
            XCTAssertEqual(timeline.filter { $0.kind == .stageEntered }.map(\.newValue), ["3", "1"])
            let history = try await desk.records.read(type: "tickets", ids: [ticket.id],
                                                      options: ReadOptions(propertiesWithHistory: ["hs_pipeline_stage"]),
                                                      by: people.admin)
            XCTAssertEqual(history.first?.history.first?.1.map(\.newValue), ["3", "1"])
            XCTAssertEqual(timeline.last?.kind, .created)
        }
    }

    func testP3RefusedStageChangeChangesNothing() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.pipelines.updateStage(type: "tickets", pipelineID: "0", stageID: "4", label: nil, displayOrder: nil,
                                                     metadata: ["requiredProperties": "hs_resolution"], replace: false,
                                                     by: people.admin)
            let ticket = try await newTicket(desk, people.agent, "Printer on fire")
            let before = try await desk.records.timeline(type: "tickets", id: ticket.id, by: people.admin)
            do {
                _ = try await desk.records.update(type: "tickets", [(ticket.id, ["hs_pipeline_stage": "4", "content": "x"])],
                                                  by: people.agent)
                XCTFail("entering a conditional stage without its property must fail")
            } catch HelpDeskError.invalidInput(let error) {
                XCTAssertEqual(error.problems.map(\.property), ["hs_resolution"])
            }
            let after = try await desk.records.read(type: "tickets", ids: [ticket.id],
                                                    options: ReadOptions(properties: ["hs_pipeline_stage", "content"]), by: people.agent)
            let values = Dictionary(uniqueKeysWithValues: after[0].properties.map { ($0.0, $0.1) })
            XCTAssertEqual(values["hs_pipeline_stage"], "1")
            XCTAssertEqual(values["content"], .some(nil))
            let timeline = try await desk.records.timeline(type: "tickets", id: ticket.id, by: people.admin)
            XCTAssertEqual(timeline.count, before.count)
        }
    }

    func testBatchCreateIsAllOrNothing() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let inputs = [
                RecordInput(properties: ["subject": "Good", "hs_pipeline": "0", "hs_pipeline_stage": "1"]),
                RecordInput(properties: ["subject": "Bad", "hs_pipeline": "0", "hs_pipeline_stage": "99"]),
            ]
            do {
                _ = try await desk.records.create(type: "tickets", inputs, by: people.agent)
                XCTFail("a batch with a bad input must fail")
            } catch HelpDeskError.invalidInput(let error) {
                XCTAssertTrue(error.message.contains("Input 2"), error.message)
            }
            let page = try await desk.records.page(type: "tickets", after: nil, limit: 10, options: ReadOptions(), by: people.agent)
            XCTAssertEqual(page.views.count, 0)
        }
    }

    func testSearchFiltersSortsAndPagesOnEachDatabase() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            for (index, priority) in ["LOW", "HIGH", "HIGH", "URGENT", "LOW"].enumerated() {
                _ = try await newTicket(desk, people.agent, "Widget \(index) jammed", ["hs_ticket_priority": priority])
            }
            let high = try await desk.records.search(type: "tickets", SearchRequest(filterGroups: [[
                .init(propertyName: "hs_ticket_priority", operator: .eq, value: "high"),
            ]]), by: people.agent)
            XCTAssertEqual(high.total, 2)
            let eitherGroup = try await desk.records.search(type: "tickets", SearchRequest(filterGroups: [
                [.init(propertyName: "hs_ticket_priority", operator: .eq, value: "URGENT")],
                [.init(propertyName: "subject", operator: .containsToken, value: "widget 0*")],
            ]), by: people.agent)
            XCTAssertEqual(eitherGroup.total, 2)
            let sorted = try await desk.records.search(type: "tickets", SearchRequest(
                sorts: [.init(propertyName: "subject", descending: true)], limit: 2), by: people.agent)
            XCTAssertEqual(sorted.views.map { $0.record.properties["subject"] }, ["Widget 4 jammed", "Widget 3 jammed"])
            XCTAssertEqual(sorted.next, "2")
            let text = try await desk.records.search(type: "tickets", SearchRequest(query: "jamm"), by: people.agent)
            XCTAssertEqual(text.total, 5)
            let last = try await desk.records.search(type: "tickets", SearchRequest(limit: 2, offset: 4), by: people.agent)
            XCTAssertEqual(last.views.count, 1)
            XCTAssertNil(last.next)
            _ = try await desk.records.update(type: "tickets", [(last.views[0].record.id, ["subject": "Toner empty"])], by: people.agent)
            let renamed = try await desk.records.search(type: "tickets", SearchRequest(query: "toner"), by: people.agent)
            XCTAssertEqual(renamed.views.map(\.record.id), [last.views[0].record.id])
            let stale = try await desk.records.search(type: "tickets", SearchRequest(query: "jammed"), by: people.agent)
            XCTAssertEqual(stale.total, 4, "the old words of a changed record no longer match")
        }
    }

    func testSearchTotalsFollowEveryChange() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let urgent = SearchRequest(filterGroups: [[.init(propertyName: "hs_ticket_priority", operator: .eq, value: "URGENT")]])
            func total() async throws -> Int { try await desk.records.search(type: "tickets", urgent, by: people.agent).total }
            let none = try await total()
            XCTAssertEqual(none, 0)
            let first = try await newTicket(desk, people.agent, "Outage", ["hs_ticket_priority": "URGENT"])
            let one = try await total()
            XCTAssertEqual(one, 1)
            _ = try await newTicket(desk, people.agent, "Outage again", ["hs_ticket_priority": "URGENT"])
            let two = try await total()
            XCTAssertEqual(two, 2)
            _ = try await desk.records.update(type: "tickets", [(first.id, ["hs_ticket_priority": "LOW"])], by: people.agent)
            let afterUpdate = try await total()
            XCTAssertEqual(afterUpdate, 1)
            let second = try await desk.records.search(type: "tickets", urgent, by: people.agent).views[0].record.id
            try await desk.records.archive(type: "tickets", ids: [second], by: people.agent)
            let afterArchive = try await total()
            XCTAssertEqual(afterArchive, 0)
        }
    }

    func testBroadSearchesPageInSortOrder() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            // The oldest 2,500 tickets are all LOW; the rest alternate MEDIUM and HIGH.
            func priority(_ index: Int) -> String { index < 2_500 ? "LOW" : index % 2 == 0 ? "MEDIUM" : "HIGH" }
            var ids: [Int] = []
            for batch in 0..<80 {
                let inputs = (0..<100).map { offset in
                    RecordInput(properties: ["subject": "Ticket \(batch * 100 + offset)", "hs_pipeline": "0", "hs_pipeline_stage": "1",
                                             "hs_ticket_priority": priority(batch * 100 + offset)])
                }
                ids += try await desk.records.create(type: "tickets", inputs, by: people.agent).compactMap { Int($0.id) }
            }
            let notLow = ids.enumerated().filter { priority($0.offset) != "LOW" }.map(\.element)
            func search(_ sorts: [SearchRequest.Sort], offset: Int) async throws -> (total: Int, ids: [Int], next: String?) {
                let found = try await desk.records.search(type: "tickets", SearchRequest(
                    filterGroups: [[.init(propertyName: "createdate", operator: .gte, value: "2000-01-01T00:00:00Z"),
                                    .init(propertyName: "hs_ticket_priority", operator: .neq, value: "LOW")]],
                    sorts: sorts, limit: 5, offset: offset), by: people.agent)
                return (found.total, found.views.compactMap { Int($0.record.id) }, found.next)
            }
            // More than 5,000 matches, dense among the newest: found by walking the sort order.
            let newest = try await search([.init(propertyName: "hs_object_id", descending: true)], offset: 10)
            XCTAssertEqual(newest.total, notLow.count)
            XCTAssertEqual(newest.ids, Array(notLow.sorted(by: >)[10..<15]))
            XCTAssertEqual(newest.next, "15")
            // The same matches from the oldest: none among the first records walked, so they are
            // looked up instead, and the page is the same as a full sort would give.
            let oldest = try await search([], offset: 10)
            XCTAssertEqual(oldest.ids, Array(notLow[10..<15]))
            let byCreation = try await search([.init(propertyName: "createdate", descending: false)], offset: 3_000)
            XCTAssertEqual(byCreation.ids, Array(notLow[3_000..<3_005]))
        }
    }

    func testAWriteAfterShutdownIsRefusedNotLeftWaiting() async throws {
        try await TestDatabases.eachLocation { location in
            guard case .sqlite = location else { return }
            let desk = try await HelpDesk.open(location, logger: Logger(label: "test"))
            await desk.database.close()
            do {
                try await desk.database.write { session in
                    _ = try await session.nextValue(of: "late")
                }
                XCTFail("a write after the database closed must fail")
            } catch {
                XCTAssertTrue("\(error)".contains("closed"), "\(error)")
            }
        }
    }

    func testR8OwnScopeHidesOtherAgentsTickets() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk, agentScope: .own)
            let mine = try await newTicket(desk, people.admin, "Mine", ["hubspot_owner_id": people.agent.user.id])
            let theirs = try await newTicket(desk, people.admin, "Theirs", ["hubspot_owner_id": people.admin.user.id])
            let page = try await desk.records.page(type: "tickets", after: nil, limit: 10, options: ReadOptions(), by: people.agent)
            XCTAssertEqual(page.views.map(\.record.id), [mine.id])
            let read = try await desk.records.read(type: "tickets", ids: [theirs.id], options: ReadOptions(), by: people.agent)
            XCTAssertTrue(read.isEmpty)
            let search = try await desk.records.search(type: "tickets", SearchRequest(), by: people.agent)
            XCTAssertEqual(search.total, 1)
            do {
                _ = try await desk.records.update(type: "tickets", [(theirs.id, ["content": "mine now"])], by: people.agent)
                XCTFail("an agent limited to own tickets must not change others'")
            } catch HelpDeskError.notFound {}
        }
    }

    func testSeveralServersShareOneDatabase() async throws {
        try await TestDatabases.eachLocation { location in
            async let first = HelpDesk.open(location, logger: TestDatabases.logger)
            async let second = HelpDesk.open(location, logger: TestDatabases.logger)
            let (one, two) = try await (first, second)
            let people = try await TestPeople.make(on: one)
            let ticket = try await newTicket(one, people.agent, "Seen by both")
            let read = try await two.records.read(type: "tickets", ids: [ticket.id], options: ReadOptions(), by: people.agent)
            XCTAssertEqual(read.first?.record.properties["subject"], "Seen by both")
            let pipelines = try await two.pipelines.list(type: "tickets", by: people.agent)
            XCTAssertEqual(pipelines.map(\.id), ["0"], "defaults are installed once")
            await one.close()
            await two.close()
        }
    }

    func testC7ATicketDeletedWithoutConversationsCanBeRestoredWhileTheTrashKeepsIt() async throws {
        let clock = TestClock(start: 1_800_000_000_000)
        try await TestDatabases.each(clock: clock.now) { desk in
            let people = try await TestPeople.make(on: desk)
            let ticket = try await newTicket(desk, people.agent, "Printer on fire")
            try await desk.records.archive(type: "tickets", ids: [ticket.id], by: people.agent)
            let gone = try await desk.records.read(type: "tickets", ids: [ticket.id], options: ReadOptions(), by: people.agent)
            XCTAssertTrue(gone.isEmpty)
            let restored = try await desk.records.restore(type: "tickets", id: ticket.id, by: people.agent)
            XCTAssertFalse(restored.archived)
            let back = try await desk.records.read(type: "tickets", ids: [ticket.id], options: ReadOptions(), by: people.agent)
            XCTAssertEqual(back.first?.record.properties["subject"], "Printer on fire")

            try await desk.records.archive(type: "tickets", ids: [ticket.id], by: people.agent)
            clock.advance(by: 31 * 86_400_000)
            do {
                _ = try await desk.records.restore(type: "tickets", id: ticket.id, by: people.agent)
                XCTFail("a ticket deleted 31 days ago was restored")
            } catch HelpDeskError.conflict {
            }
        }
    }
}

/// A clock that tests move by hand.
final class TestClock: Sendable {
    private let millis: NIOLockedValueBox<Int64>

    init(start: Int64) {
        millis = NIOLockedValueBox(start)
    }

    var now: @Sendable () -> Timestamp {
        { [millis] in Timestamp(millisecondsSince1970: millis.withLockedValue { $0 }) }
    }

    func advance(by amount: Int64) {
        millis.withLockedValue { $0 += amount }
    }
}
