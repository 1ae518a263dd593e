import Foundation
import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// V1: the workspace's lists page by position, filter on stage, owner and team as their values
/// say, and count up to a cap, on each database.
final class ListPagingTests: XCTestCase {
    /// A clock that moves one millisecond at each reading, so that every change has its own time.
    final class Ticking: @unchecked Sendable {
        private let lock = NSLock()
        private var now: Int64 = 1_780_000_000_000

        func next() -> Timestamp {
            lock.lock()
            defer { lock.unlock() }
            now += 1
            return Timestamp(millisecondsSince1970: now)
        }
    }

    func subjects(_ desk: HelpDesk, _ request: SearchRequest, by caller: Caller) async throws -> [[String]] {
        var pages: [[String]] = []
        var page = request
        while true {
            let found = try await desk.records.list(type: "tickets", page, by: caller)
            pages.append(found.views.compactMap { $0.record.properties["subject"] })
            guard let next = found.next else { return pages }
            page.start = next
            XCTAssertLessThan(pages.count, 20, "paging ends")
            if pages.count >= 20 { return pages }
        }
    }

    func testV1ListsPageByPositionWithoutRepeatsOrGaps() async throws {
        let clock = Ticking()
        try await TestDatabases.each(clock: { clock.next() }) { desk in
            let people = try await TestPeople.make(on: desk)
            // Five made together share their times: their ids order them.
            _ = try await desk.records.create(type: "tickets", (1...5).map {
                RecordInput(properties: ["subject": "Together \($0)", "hs_pipeline": "0", "hs_pipeline_stage": "1"])
            }, by: people.admin)
            for number in 1...6 {
                _ = try await desk.records.create(type: "tickets", [RecordInput(properties: [
                    "subject": "Alone \(number)", "hs_pipeline": "0", "hs_pipeline_stage": "2",
                ])], by: people.admin)
            }
            let schema = try await desk.recordSchema("tickets")
            guard var request = WorkspaceView.allOpen.search(for: people.admin.user, tickets: schema, properties: ["subject"], limit: 4)
            else { return XCTFail("All open has a search") }
            let pages = try await subjects(desk, request, by: people.admin)
            XCTAssertEqual(pages.map(\.count), [4, 4, 3])
            XCTAssertEqual(pages.flatMap { $0 }, ["Alone 6", "Alone 5", "Alone 4", "Alone 3", "Alone 2", "Alone 1",
                                                  "Together 1", "Together 2", "Together 3", "Together 4", "Together 5"])

            // A ticket that changes while the agent pages moves up, behind them: the pages after
            // neither repeat one nor skip one.
            let first = try await desk.records.list(type: "tickets", request, by: people.admin)
            let together3 = try await desk.records.search(type: "tickets", SearchRequest(
                filterGroups: [[.init(propertyName: "subject", operator: .eq, value: "Together 3")]], properties: ["subject"]),
                by: people.admin).views[0].record.id
            _ = try await desk.records.update(type: "tickets", [(id: together3, properties: ["hs_ticket_priority": "HIGH"])],
                                              by: people.admin)
            request.start = first.next
            let rest = try await subjects(desk, request, by: people.admin).flatMap { $0 }
            XCTAssertEqual(rest, ["Alone 2", "Alone 1", "Together 1", "Together 2", "Together 4", "Together 5"])

            let waiting = try await subjects(desk, WorkspaceView.allOpen.search(
                for: people.admin.user, tickets: schema, properties: ["subject"], limit: 5, sort: .longestWaiting)!, by: people.admin)
            XCTAssertEqual(waiting.flatMap { $0 }.prefix(3), ["Together 1", "Together 2", "Together 4"])
            XCTAssertEqual(waiting.flatMap { $0 }.last, "Together 3", "the ticket changed last waited least")
        }
    }

    func testV1PrioritySortPagesEveryTicketOnceHighestFirst() async throws {
        let clock = Ticking()
        try await TestDatabases.each(clock: { clock.next() }) { desk in
            let people = try await TestPeople.make(on: desk)
            func ticket(_ subject: String, _ priority: String?, stage: String = "1") -> RecordInput {
                var properties = ["subject": subject, "hs_pipeline": "0", "hs_pipeline_stage": stage]
                properties["hs_ticket_priority"] = priority
                return RecordInput(properties: properties)
            }
            for (subject, priority) in [("Low 1", "LOW"), ("Urgent 1", "URGENT"), ("None 1", nil), ("High 1", "HIGH"),
                                        ("Medium 1", "MEDIUM"), ("Urgent 2", "URGENT"), ("High 2", "HIGH"), ("None 2", nil),
                                        ("Low 2", "LOW")] {
                _ = try await desk.records.create(type: "tickets", [ticket(subject, priority)], by: people.admin)
            }
            // Three made together share their time: their ids order them.
            _ = try await desk.records.create(type: "tickets", (1...3).map { ticket("Together \($0)", "MEDIUM") }, by: people.admin)
            _ = try await desk.records.create(type: "tickets", [ticket("Closed urgent", "URGENT", stage: "4")], by: people.admin)
            let schema = try await desk.recordSchema("tickets")
            guard var request = WorkspaceView.allOpen.search(for: people.admin.user, tickets: schema, properties: ["subject"], limit: 5,
                                                            sort: .priority)
            else { return XCTFail("All open has a search") }
            let pages = try await subjects(desk, request, by: people.admin)
            XCTAssertEqual(pages.map(\.count), [5, 5, 2])
            XCTAssertEqual(pages.flatMap { $0 }, ["Urgent 1", "Urgent 2", "High 1", "High 2", "Medium 1", "Together 1", "Together 2",
                                                  "Together 3", "Low 1", "Low 2", "None 1", "None 2"],
                           "highest first, and within a priority the longest waiting; the closed ticket is not open")

            // Tickets that change while the agent pages take their new places: one raised above
            // the page shown moves behind them, one lowered and one that moved within its
            // priority come again later; every other ticket comes once, in its place.
            let first = try await desk.records.list(type: "tickets", request, by: people.admin)
            XCTAssertEqual(first.next?.rank, 2, "the first page ends among the medium ones")
            let ids = Dictionary(uniqueKeysWithValues: try await desk.records.search(
                type: "tickets", SearchRequest(properties: ["subject"], limit: 20), by: people.admin).views.compactMap { view in
                    view.record.properties["subject"].map { ($0, view.record.id) }
                })
            for (subject, change) in [("Low 2", ["hs_ticket_priority": "URGENT"]), ("High 2", ["hs_ticket_priority": "LOW"]),
                                      ("Together 1", ["content": "Still waiting"])] {
                _ = try await desk.records.update(type: "tickets", [(id: try XCTUnwrap(ids[subject]), properties: change)], by: people.admin)
            }
            request.start = first.next
            let rest = try await subjects(desk, request, by: people.admin).flatMap { $0 }
            XCTAssertEqual(rest, ["Together 2", "Together 3", "Together 1", "Low 1", "High 2", "None 1", "None 2"])
            let again = try await subjects(desk, WorkspaceView.allOpen.search(
                for: people.admin.user, tickets: schema, properties: ["subject"], limit: 4, sort: .priority)!, by: people.admin)
            XCTAssertEqual(again.flatMap { $0 }, ["Urgent 1", "Urgent 2", "Low 2", "High 1", "Medium 1", "Together 2", "Together 3",
                                                  "Together 1", "Low 1", "High 2", "None 1", "None 2"])
        }
    }

    func testV1PrioritySortPagesManyTicketsInOrderByWalkingTheIndex() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            // More open tickets than are found and sorted at once, so that pages walk the
            // priority index; most have no priority, so that one rank is longer than a walk.
            let priorities = ["URGENT", "HIGH", "MEDIUM", "LOW"]
            for batch in stride(from: 0, to: 6_000, by: 500) {
                _ = try await desk.records.create(type: "tickets", (batch..<batch + 500).map { n in
                    var properties = ["subject": "\(n)", "hs_pipeline": "0", "hs_pipeline_stage": n % 12 == 0 ? "4" : "1"]
                    properties["hs_ticket_priority"] = n % 8 < 4 ? priorities[n % 8] : nil
                    return RecordInput(properties: properties)
                }, by: people.admin)
            }
            let schema = try await desk.recordSchema("tickets")
            guard var request = WorkspaceView.allOpen.search(for: people.admin.user, tickets: schema, properties: ["subject"], limit: 100,
                                                            sort: .priority)
            else { return XCTFail("All open has a search") }
            var shown: [Int] = []
            while true {
                let page = try await desk.records.list(type: "tickets", request, by: people.admin)
                shown += page.views.compactMap { $0.record.properties["subject"].flatMap { Int($0) } }
                guard let next = page.next, shown.count <= 6_000 else { break }
                request.start = next
            }
            let open = (0..<6_000).filter { $0 % 12 != 0 }
            let rank = { (n: Int) in n % 8 < 4 ? 4 - n % 8 : 0 }
            XCTAssertEqual(shown.count, open.count)
            XCTAssertTrue(shown == open.sorted { (rank($0), -$0) > (rank($1), -$1) }, "every open ticket once, highest first, oldest first")
        }
    }

    func testV1PriorityFiltersKeepTheirMeaningBesideTheRank() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.records.create(type: "tickets", [("Urgent", "URGENT"), ("High", "HIGH"), ("Low", "LOW"), ("None", nil)]
                .map { subject, priority in
                    var properties = ["subject": subject, "hs_pipeline": "0", "hs_pipeline_stage": "1"]
                    properties["hs_ticket_priority"] = priority
                    return RecordInput(properties: properties)
                }, by: people.admin)
            func subjects(_ filter: SearchRequest.Filter) async throws -> [String] {
                try await desk.records.search(type: "tickets", SearchRequest(filterGroups: [[filter]], properties: ["subject"], limit: 20),
                                              by: people.admin).views.compactMap { $0.record.properties["subject"] }.sorted()
            }
            let urgent = try await subjects(.init(propertyName: "hs_ticket_priority", operator: .eq, value: "URGENT"))
            XCTAssertEqual(urgent, ["Urgent"])
            let notLow = try await subjects(.init(propertyName: "hs_ticket_priority", operator: .neq, value: "LOW"))
            XCTAssertEqual(notLow, ["High", "None", "Urgent"], "NEQ keeps the tickets without a priority")
            let high = try await subjects(.init(propertyName: "hs_ticket_priority", operator: .in, values: ["HIGH", "URGENT"]))
            XCTAssertEqual(high, ["High", "Urgent"])
            let rest = try await subjects(.init(propertyName: "hs_ticket_priority", operator: .notIn, values: ["HIGH", "URGENT"]))
            XCTAssertEqual(rest, ["Low", "None"])
            let byValue = try await desk.records.search(type: "tickets", SearchRequest(
                sorts: [.init(propertyName: "hs_ticket_priority", descending: false)], properties: ["subject"], limit: 20), by: people.admin)
            XCTAssertEqual(byValue.views.compactMap { $0.record.properties["subject"] }, ["High", "Low", "Urgent", "None"],
                           "the search API sorts a priority by its value, as before")
        }
    }

    func testV1ViewsFilterOnStageOwnerAndTeamByTheirValues() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let team = try await desk.people.createTeam(name: "Billing", memberEmails: ["agent@example.com"])
            let agent = people.agent.user.id
            _ = try await desk.records.create(type: "tickets", [
                ("Open, nobody's", "1", nil, nil), ("Open, the agent's", "2", agent, nil), ("Closed, nobody's", "4", nil, nil),
                ("Open, Billing's", "3", nil, team.id), ("Closed, the agent's", "4", agent, team.id),
            ].map { subject, stage, owner, team in
                var properties = ["subject": subject, "hs_pipeline": "0", "hs_pipeline_stage": stage]
                properties[Record.ownerProperty] = owner
                properties[Record.teamProperty] = team
                return RecordInput(properties: properties)
            }, by: people.admin)
            let schema = try await desk.recordSchema("tickets")
            func subjects(_ filters: [SearchRequest.Filter]) async throws -> [String] {
                try await desk.records.search(type: "tickets", SearchRequest(filterGroups: [filters], properties: ["subject"], limit: 20),
                                              by: people.admin).views.compactMap { $0.record.properties["subject"] }.sorted()
            }
            let notTheAgents = try await subjects([.init(propertyName: Record.ownerProperty, operator: .neq, value: agent)])
            XCTAssertEqual(notTheAgents, ["Closed, nobody's", "Open, Billing's", "Open, nobody's"], "NEQ keeps the tickets without an owner")
            let open = try await subjects([.init(propertyName: "hs_pipeline_stage", operator: .notIn, values: ["4"])])
            XCTAssertEqual(open, ["Open, Billing's", "Open, nobody's", "Open, the agent's"])
            let withTeam = try await subjects([.init(propertyName: Record.teamProperty, operator: .hasProperty)])
            XCTAssertEqual(withTeam, ["Closed, the agent's", "Open, Billing's"])
            let noTeamNoOwner = try await subjects([.init(propertyName: Record.teamProperty, operator: .notHasProperty),
                                                    .init(propertyName: Record.ownerProperty, operator: .notHasProperty)])
            XCTAssertEqual(noTeamNoOwner, ["Closed, nobody's", "Open, nobody's"])

            // Unassigning empties the owner's column as it empties the property.
            let theAgents = try await desk.records.search(type: "tickets", SearchRequest(
                filterGroups: [[.init(propertyName: Record.ownerProperty, operator: .eq, value: agent),
                                .init(propertyName: "hs_pipeline_stage", operator: .eq, value: "2")]]), by: people.admin).views[0].record.id
            _ = try await desk.records.update(type: "tickets", [(id: theAgents, properties: [Record.ownerProperty: ""])], by: people.admin)
            var counts: [WorkspaceView: Int] = [:]
            for view in [WorkspaceView.unassigned, .mine, .allOpen, .closed] {
                counts[view] = try await desk.records.count(
                    type: "tickets", view.search(for: people.agent.user, tickets: schema, properties: [], limit: 0)!, upTo: 100, by: people.agent)
            }
            XCTAssertEqual(counts, [.unassigned: 3, .mine: 0, .allOpen: 3, .closed: 2])
            let capped = try await desk.records.count(
                type: "tickets", WorkspaceView.allOpen.search(for: people.agent.user, tickets: schema, properties: [], limit: 0)!,
                upTo: 2, by: people.agent)
            XCTAssertEqual(capped, 2, "counting stops at the cap")
        }
    }

    func testV1SearchesPageNewestFirstByPositionWithFiltersApplied() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let made = try await desk.records.create(type: "tickets", (1...10).map { number in
                RecordInput(properties: ["subject": number % 3 == 0 ? "Invoice \(number)" : "Printer \(number) jammed", "hs_pipeline": "0",
                                         "hs_pipeline_stage": number == 8 ? "4" : "1"])
            }, by: people.admin)
            XCTAssertEqual(made.count, 10)
            let printers = try await subjects(desk, SearchRequest(sorts: [.init(propertyName: "hs_object_id", descending: true)],
                                                                  query: "print jam", properties: ["subject"], limit: 3), by: people.admin)
            XCTAssertEqual(printers, [["Printer 10 jammed", "Printer 8 jammed", "Printer 7 jammed"],
                                      ["Printer 5 jammed", "Printer 4 jammed", "Printer 2 jammed"], ["Printer 1 jammed"]])
            let open = try await subjects(desk, SearchRequest(
                filterGroups: [[.init(propertyName: "hs_pipeline_stage", operator: .eq, value: "1")]],
                sorts: [.init(propertyName: "hs_object_id", descending: false)], query: "printer", properties: ["subject"], limit: 4),
                by: people.admin)
            XCTAssertEqual(open.flatMap { $0 }, ["Printer 1 jammed", "Printer 2 jammed", "Printer 4 jammed", "Printer 5 jammed",
                                                 "Printer 7 jammed", "Printer 10 jammed"], "oldest first, the closed one left out")
        }
    }

    func testV1ContactsAreFoundByTheirWordsAfterEveryChangeAmongManyTickets() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.records.create(type: "tickets", (1...30).map {
                RecordInput(properties: ["subject": "Lovelace printer \($0)", "hs_pipeline": "0", "hs_pipeline_stage": "1"])
            }, by: people.admin)
            let ada = try await desk.records.create(type: "contacts", [RecordInput(properties: [
                "email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace",
            ])], by: people.admin)[0]
            func names(_ query: String) async throws -> [String] {
                try await desk.records.search(type: "contacts", SearchRequest(query: query, properties: ["lastname"], limit: 10),
                                              by: people.admin).views.compactMap { $0.record.properties["lastname"] }
            }
            let found = try await names("lovel")
            XCTAssertEqual(found, ["Lovelace"], "only contacts, not the tickets with the same word")
            _ = try await desk.records.update(type: "contacts", [(id: ada.id, properties: ["lastname": "Byron"])], by: people.admin)
            let renamed = try await names("byron"), former = try await names("lovelace")
            XCTAssertEqual(renamed, ["Byron"])
            XCTAssertTrue(former.isEmpty, "the former name no longer finds her")
        }
    }
}
