import HelpDeskCore
import XCTest

final class WorkspaceRuleTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)

    func testSignInWaitsDoubleAfterTheFreeAttemptsAndAreForgottenAfterADay() {
        XCTAssertNil(SignInThrottle.nextAttempt(after: nil, now: now))
        var failures: SignInThrottle.Failures?
        for _ in 0..<SignInThrottle.freeAttempts - 1 { failures = SignInThrottle.failed(failures, at: now) }
        XCTAssertNil(SignInThrottle.nextAttempt(after: failures, now: now), "the first attempts are free")
        var pauses: [Int64] = []
        for _ in 0..<14 {
            failures = SignInThrottle.failed(failures, at: now)
            pauses.append((SignInThrottle.nextAttempt(after: failures, now: now)?.millisecondsSince1970 ?? 0) - now.millisecondsSince1970)
        }
        XCTAssertEqual(Array(pauses.prefix(5)), [1_000, 2_000, 4_000, 8_000, 16_000])
        XCTAssertEqual(pauses.last, SignInThrottle.longestPause, "pauses stop growing at a quarter of an hour")
        XCTAssertNil(SignInThrottle.nextAttempt(after: failures, now: now.adding(milliseconds: SignInThrottle.longestPause)))
        let dayLater = now.adding(milliseconds: SignInThrottle.forgetAfter)
        XCTAssertEqual(SignInThrottle.failed(failures, at: dayLater).count, 1, "a day without failures starts the count again")
    }

    func testWebSessionsEndAfterAWeekUnusedOrAMonthInAll() {
        let session = WebSession(userID: "1", csrfToken: "x", createdAt: now, seenAt: now)
        XCTAssertTrue(session.isValid(at: now.adding(milliseconds: WebSession.idleLimit - 1)))
        XCTAssertFalse(session.isValid(at: now.adding(milliseconds: WebSession.idleLimit)))
        var used = session
        used.seenAt = now.adding(milliseconds: WebSession.lifetime - 1_000)
        XCTAssertFalse(used.isValid(at: now.adding(milliseconds: WebSession.lifetime)), "even a session in use ends after a month")
        XCTAssertFalse(session.needsTouch(at: now.adding(milliseconds: 59_000)))
        XCTAssertTrue(session.needsTouch(at: now.adding(milliseconds: 60_000)))
    }

    func testV1TheViewsSearchOpenOrClosedStatusesOfEveryPipelineTheOwnerAndTheTeams() throws {
        var support = DefaultPipelines.tickets(at: now)
        support.stages[1].archived = true
        var billing = DefaultPipelines.tickets(at: now)
        billing.id = "7"
        for index in billing.stages.indices { billing.stages[index].id = "7\(index)" }
        let tickets = RecordSchema(type: .tickets, properties: [], pipelines: [support, billing])
        let agent = User(id: "12", email: "agent@example.com", createdAt: now, updatedAt: now)
        func filters(_ view: WorkspaceView) throws -> [SearchRequest.Filter] {
            try XCTUnwrap(view.search(for: agent, tickets: tickets, properties: [], limit: 10)?.filterGroups.first)
        }
        XCTAssertEqual(try filters(.allOpen), [SearchRequest.Filter(propertyName: "hs_pipeline_stage", operator: .in,
                                                                    values: ["1", "3", "70", "71", "72"])])
        XCTAssertEqual(try filters(.closed).first?.values, ["4", "73"])
        XCTAssertEqual(try filters(.unassigned).last, SearchRequest.Filter(propertyName: "hubspot_owner_id", operator: .notHasProperty))
        XCTAssertEqual(try filters(.mine).last, SearchRequest.Filter(propertyName: "hubspot_owner_id", operator: .eq, value: "12"))
        XCTAssertNil(WorkspaceView.closed.search(for: agent, tickets: RecordSchema(type: .tickets, properties: [], pipelines: []),
                                                 properties: [], limit: 10))
        XCTAssertNil(WorkspaceView.teamsUnassigned.search(for: agent, tickets: tickets, properties: [], limit: 10),
                     "a user in no team has no team views")
        var member = agent
        member.teamIDs = ["5", "6"]
        member.primaryTeamID = "6"
        let teams = try XCTUnwrap(WorkspaceView.teamsUnassigned.search(for: member, tickets: tickets, properties: [], limit: 10)?.filterGroups.first)
        XCTAssertEqual(Array(teams.dropFirst()), [SearchRequest.Filter(propertyName: "hubspot_team_id", operator: .in, values: ["5", "6"]),
                                                  SearchRequest.Filter(propertyName: "hubspot_owner_id", operator: .notHasProperty)])
        let primary = try XCTUnwrap(WorkspaceView.teamOpen.search(for: member, tickets: tickets, properties: [], limit: 10)?.filterGroups.first)
        XCTAssertEqual(primary.last, SearchRequest.Filter(propertyName: "hubspot_team_id", operator: .eq, value: "6"),
                       "My team's open follows the primary team")
        XCTAssertEqual(primary.first?.values, ["1", "3", "70", "71", "72"], "open statuses only")
    }

    func testV1PagingByPositionNeedsATimeOrIdSort() {
        let schema = RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets),
                                  pipelines: [DefaultPipelines.tickets(at: Timestamp(millisecondsSince1970: 0))])
        var request = SearchRequest(sorts: [.init(propertyName: "subject", descending: false)], start: ListPosition(value: 1, id: 2))
        XCTAssertThrowsError(try request.validated(against: schema))
        request.sorts = [.init(propertyName: "createdate", descending: true)]
        XCTAssertNoThrow(try request.validated(against: schema))
        request.offset = 10
        XCTAssertThrowsError(try request.validated(against: schema), "by position or by offset, not both")
        XCTAssertEqual(ListPosition("1764730000000_42"), ListPosition(value: 1_764_730_000_000, id: 42))
        XCTAssertEqual(ListPosition(ListPosition(value: -5, id: 9).description), ListPosition(value: -5, id: 9))
        for bad in ["", "12", "a_b", "1_0", "1_2_3_4", "_4", "1__3", "x_2_3"] { XCTAssertNil(ListPosition(bad), bad) }
    }

    func testV1PriorityRanksUrgentHighestAndNoneLowest() {
        let ranks: [(String?, Int64)] = [("URGENT", 4), ("HIGH", 3), ("MEDIUM", 2), ("LOW", 1), (nil, 0), ("", 0), ("high", 0), ("CRITICAL", 0)]
        for (value, rank) in ranks { XCTAssertEqual(TicketPriority.rank(of: value), rank, value ?? "none") }
        XCTAssertEqual(TicketPriority.ranks, 0...4)
    }

    func testV1PositionsInAListByPriorityCarryTheRank() {
        XCTAssertEqual(ListPosition("3_1764730000000_42"), ListPosition(rank: 3, value: 1_764_730_000_000, id: 42))
        XCTAssertEqual(ListPosition("0_-5_9")?.description, "0_-5_9")
        XCTAssertEqual(ListPosition("1764730000000_42")?.rank, nil, "two parts are a position without a rank, as before")

        let schema = RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets),
                                  pipelines: [DefaultPipelines.tickets(at: Timestamp(millisecondsSince1970: 0))])
        var request = SearchRequest(sorts: ListSort.priority.sorts, start: ListPosition(rank: 4, value: 1, id: 2))
        XCTAssertNoThrow(try request.validated(against: schema))
        for wrong in [ListPosition(value: 1, id: 2), ListPosition(rank: 5, value: 1, id: 2), ListPosition(rank: -1, value: 1, id: 2)] {
            request.start = wrong
            XCTAssertThrowsError(try request.validated(against: schema), "a list by priority needs a rank from 0 to 4: \(wrong)")
        }
        request.start = nil
        request.offset = 10
        XCTAssertThrowsError(try request.validated(against: schema), "a list by priority pages by position only")
        request = SearchRequest(sorts: ListSort.newest.sorts, start: ListPosition(rank: 1, value: 1, id: 2))
        XCTAssertThrowsError(try request.validated(against: schema), "only a list by priority has a rank")
        request = SearchRequest(sorts: [.init(propertyName: "hs_ticket_priority", descending: false, byRank: true)])
        XCTAssertThrowsError(try request.validated(against: schema), "a rank sorts only as the list by priority does")
        request = SearchRequest(sorts: [.init(propertyName: "hs_ticket_priority", descending: true)], start: ListPosition(rank: 1, value: 1, id: 2))
        XCTAssertThrowsError(try request.validated(against: schema), "the search API's sort on the value does not page by position")
        request.start = nil
        XCTAssertNoThrow(try request.validated(against: schema), "the search API still sorts by the priority's value")
    }
}
