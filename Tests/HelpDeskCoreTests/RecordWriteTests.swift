import HelpDeskCore
import XCTest

final class RecordWriteTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_763_900_000_000)

    func ticketSchema(setsCloseDate: Bool = true, resolvedNeeds: [String] = []) -> RecordSchema {
        var pipeline = DefaultPipelines.tickets(at: now)
        pipeline.setsCloseDate = setsCloseDate
        pipeline.stages[3].requiredProperties = resolvedNeeds
        return RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [pipeline])
    }

    func newTicket(_ extra: [String: String] = [:], schema: RecordSchema? = nil) throws -> RecordWrite {
        try RecordWrite.create(["subject": "Printer on fire", "hs_pipeline": "0", "hs_pipeline_stage": "1"]
            .merging(extra) { $1 }, schema: schema ?? ticketSchema(), now: now)
    }

    func codes(_ body: () throws -> Void) -> [RecordInputError.Problem.Code] {
        do {
            try body()
            return []
        } catch let error as RecordInputError {
            return error.problems.map(\.code)
        } catch {
            XCTFail("unexpected \(error)")
            return []
        }
    }

    func testP5TicketNeedsNamePipelineAndStatus() {
        let schema = ticketSchema()
        let cases: [([String: String], String)] = [
            (["hs_pipeline": "0", "hs_pipeline_stage": "1"], "subject"),
            (["subject": "x", "hs_pipeline_stage": "1"], "hs_pipeline"),
            (["subject": "x", "hs_pipeline": "0"], "hs_pipeline_stage"),
            (["subject": "", "hs_pipeline": "0", "hs_pipeline_stage": "1"], "subject"),
        ]
        for (input, missing) in cases {
            XCTAssertThrowsError(try RecordWrite.create(input, schema: schema, now: now), "\(input)") { error in
                let problems = (error as? RecordInputError)?.problems ?? []
                XCTAssertEqual(problems.map(\.property), [missing], "\(input)")
                XCTAssertEqual(problems.first?.code, .requiredProperty)
            }
        }
    }

    func testP5StatusMustBelongToThePipeline() {
        XCTAssertEqual(codes { _ = try self.newTicket(["hs_pipeline_stage": "appointmentscheduled"]) }, [.unknownStage])
        XCTAssertEqual(codes { _ = try self.newTicket(["hs_pipeline": "7"]) }, [.unknownPipeline])
    }

    func testP5ValidTicketGetsTimestampsAndCreationChanges() throws {
        let write = try newTicket(["hs_ticket_priority": "HIGH"])
        XCTAssertEqual(write.properties["createdate"], now.isoString)
        XCTAssertEqual(write.properties["hs_lastmodifieddate"], now.isoString)
        XCTAssertEqual(write.enteredStage, "1")
        XCTAssertEqual(Set(write.changes.map(\.name)), ["subject", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority"])
        XCTAssertTrue(write.changes.allSatisfy { $0.oldValue == nil })
    }

    func testP3EnteringConditionalStageWithoutItsPropertiesIsRefusedNamingEach() throws {
        let schema = ticketSchema(resolvedNeeds: ["hs_resolution", "hs_ticket_category"])
        let ticket = try newTicket(schema: schema)
        XCTAssertThrowsError(try RecordWrite.update(ticket.properties, with: ["hs_pipeline_stage": "4"], schema: schema, now: now)) { error in
            let problems = (error as? RecordInputError)?.problems ?? []
            XCTAssertEqual(problems.map(\.code), [.stageRequiresProperty, .stageRequiresProperty])
            XCTAssertEqual(problems.map(\.property), ["hs_resolution", "hs_ticket_category"])
            XCTAssertTrue(problems[0].message.contains("Closed"))
        }
    }

    func testP3ConditionalStageAcceptsPropertiesGivenInTheSameWrite() throws {
        let schema = ticketSchema(resolvedNeeds: ["hs_resolution"])
        let ticket = try newTicket(schema: schema)
        let moved = try RecordWrite.update(ticket.properties, with: ["hs_pipeline_stage": "4", "hs_resolution": "Fixed"],
                                           schema: schema, now: now)
        XCTAssertEqual(moved.properties["hs_pipeline_stage"], "4")
        XCTAssertEqual(moved.enteredStage, "4")
    }

    func testP3ConditionalStageIsCheckedOnCreationToo() {
        let schema = ticketSchema(resolvedNeeds: ["hs_resolution"])
        XCTAssertEqual(codes { _ = try self.newTicket(["hs_pipeline_stage": "4"], schema: schema) }, [.stageRequiresProperty])
    }

    func testP4ClosingSetsCloseDateToNow() throws {
        let ticket = try newTicket()
        XCTAssertNil(ticket.properties["closed_date"])
        let later = Timestamp(millisecondsSince1970: now.millisecondsSince1970 + 60_000)
        let closed = try RecordWrite.update(ticket.properties, with: ["hs_pipeline_stage": "4"], schema: ticketSchema(), now: later)
        XCTAssertEqual(closed.properties["closed_date"], later.isoString)
        XCTAssertTrue(closed.changes.contains(PropertyChange(name: "closed_date", oldValue: nil, newValue: later.isoString)))
    }

    func testP4SwitchOffLeavesCloseDateAsItIs() throws {
        let schema = ticketSchema(setsCloseDate: false)
        let ticket = try newTicket(schema: schema)
        let closed = try RecordWrite.update(ticket.properties, with: ["hs_pipeline_stage": "4"], schema: schema, now: now)
        XCTAssertNil(closed.properties["closed_date"])
    }

    func testP4ExplicitCloseDateInTheSameWriteWins() throws {
        let ticket = try newTicket()
        let closed = try RecordWrite.update(ticket.properties, with: ["hs_pipeline_stage": "4", "closed_date": "2026-01-02T03:04:05Z"],
                                            schema: ticketSchema(), now: now)
        XCTAssertEqual(closed.properties["closed_date"], "2026-01-02T03:04:05.000Z")
    }

    func testP4MovingBetweenClosedStatusesKeepsTheFirstCloseDate() throws {
        var pipeline = DefaultPipelines.tickets(at: now)
        pipeline.stages.append(Stage(id: "5", label: "Closed as duplicate", displayOrder: 4, metadata: ["ticketState": "CLOSED"],
                                     createdAt: now, updatedAt: now))
        let schema = RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [pipeline])
        let closed = try RecordWrite.update(try newTicket(schema: schema).properties, with: ["hs_pipeline_stage": "4"],
                                            schema: schema, now: now)
        let later = Timestamp(millisecondsSince1970: now.millisecondsSince1970 + 1000)
        let moved = try RecordWrite.update(closed.properties, with: ["hs_pipeline_stage": "5"], schema: schema, now: later)
        XCTAssertEqual(moved.properties["closed_date"], now.isoString)
    }

    func testUnknownReadOnlyAndMistypedPropertiesAreAllReported() throws {
        XCTAssertEqual(codes { _ = try self.newTicket(["colour": "blue", "createdate": "2020-01-01", "hs_ticket_priority": "SOMEDAY"]) },
                       [.propertyDoesNotExist, .readOnlyValue, .invalidValue])
    }

    func testUpdateWithoutChangesLogsNothingAndKeepsModifiedDate() throws {
        let ticket = try newTicket()
        let same = try RecordWrite.update(ticket.properties, with: ["subject": "Printer on fire"], schema: ticketSchema(),
                                          now: Timestamp(millisecondsSince1970: now.millisecondsSince1970 + 5))
        XCTAssertEqual(same.changes, [])
        XCTAssertEqual(same.properties["hs_lastmodifieddate"], now.isoString)
    }

    func testEmptyStringClearsAProperty() throws {
        let ticket = try newTicket(["content": "details"])
        let cleared = try RecordWrite.update(ticket.properties, with: ["content": ""], schema: ticketSchema(), now: now)
        XCTAssertNil(cleared.properties["content"])
        XCTAssertEqual(cleared.changes.first { $0.name == "content" }, PropertyChange(name: "content", oldValue: "details", newValue: nil))
    }

    func testDealsFallBackToDefaultPipelineAndFirstStage() throws {
        let schema = RecordSchema(type: .deals, properties: BuiltInProperties.definitions(for: .deals),
                                  pipelines: [DefaultPipelines.deals(at: now)])
        let deal = try RecordWrite.create(["dealname": "Big"], schema: schema, now: now)
        XCTAssertEqual(deal.properties["pipeline"], "default")
        XCTAssertEqual(deal.properties["dealstage"], "appointmentscheduled")
    }
}
