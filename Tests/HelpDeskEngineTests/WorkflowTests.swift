import HelpDeskCore
@testable import HelpDeskEngine
import HelpDeskMail
import HelpDeskStore
import HelpDeskTestSupport
import XCTest

/// W1-W6 on each database: workflows started by the feed, their steps as jobs, their records.
final class WorkflowTests: XCTestCase {
    struct Setup {
        let desk: HelpDesk
        let people: TestPeople
        let ticketID: String
        let conversationID: String
    }

    func raw(_ subject: String, from: String = "Ada Lovelace <ada@example.org>", id: String, headers: [String] = []) -> [UInt8] {
        Array((["From: \(from)", "To: support@example.com", "Subject: \(subject)", "Message-ID: <\(id)>"] + headers
            + ["Content-Type: text/plain; charset=utf-8", "", "Hello", ""]).joined(separator: "\r\n").utf8)
    }

    func receive(_ desk: HelpDesk, _ raw: [UInt8], from sender: String = "ada@example.org") async throws -> InboundMail.Receipt {
        try await desk.inboundMail.receive(
            SMTPEnvelope(sender: sender, recipients: ["support@example.com"], clientName: "mx.example.org", remoteAddress: "192.0.2.1"),
            raw: raw)
    }

    /// A team address and a ticket from Ada's first mail, with Ada as its contact.
    func setUp(_ desk: HelpDesk) async throws -> Setup {
        let people = try await TestPeople.make(on: desk)
        _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
        // Workflows follow the feed from their consumer's first run on.
        try await desk.workflows.catchUp()
        let first = try await receive(desk, raw("Printer on fire", id: "m1@example.org"))
        return Setup(desk: desk, people: people, ticketID: try XCTUnwrap(first.ticketID), conversationID: first.conversationID)
    }

    func workflow(_ trigger: WorkflowTrigger, _ actions: [WorkflowAction], type: ObjectType = .tickets, pipeline: String = "0",
                  criteria: [SearchRequest.Filter] = [], on setup: Setup) async throws -> Workflow {
        try await setup.desk.workflows.create(Workflow(id: "", objectType: type.id, pipelineID: pipeline, trigger: trigger, name: "Test",
                                                       criteria: criteria, actions: actions), by: setup.people.admin)
    }

    /// Starts the runs the feed calls for and runs every step due, as the servers do.
    func settle(_ desk: HelpDesk) async throws {
        try await desk.workflows.catchUp()
        await desk.workflows.runDue()
    }

    func value(_ name: String, of id: String, type: String = "tickets", _ setup: Setup) async throws -> String? {
        try await setup.desk.records.read(type: type, ids: [id], options: ReadOptions(properties: [name]), by: setup.people.admin)
            .first?.record.properties[name]
    }

    func setStage(_ stage: String, _ setup: Setup) async throws {
        _ = try await setup.desk.records.update(type: "tickets", [(setup.ticketID, ["hs_pipeline_stage": stage])], by: setup.people.agent)
    }

    func runs(_ setup: Setup, workflow: Workflow) async throws -> [WorkflowRun] {
        try await setup.desk.workflows.runs(workflowID: workflow.id, by: setup.people.admin)
    }

    func testW1R5SentSwitchMovesTheTicketButNeverOverridesAStatusChosenWithTheReply() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let sent = try await workflow(.emailSent, [WorkflowAction(id: "s", kind: .setProperty, fields: ["property": "hs_pipeline_stage", "value": "2"])],
                                          on: setup)
            _ = try await desk.conversations.reply(conversationID: setup.conversationID, ReplyDraft(text: "Looking into it"), by: setup.people.agent)
            try await settle(desk)
            let switched = try await value("hs_pipeline_stage", of: setup.ticketID, setup)
            XCTAssertEqual(switched, "2", "an email sent to the customer moves the ticket to the switch's status")

            _ = try await desk.conversations.reply(conversationID: setup.conversationID, ReplyDraft(text: "Fixed", status: "3"), by: setup.people.agent)
            let chosen = try await value("hs_pipeline_stage", of: setup.ticketID, setup)
            XCTAssertEqual(chosen, "3", "R5: the status chosen with the reply is set in the reply's own transaction")
            try await settle(desk)
            let kept = try await value("hs_pipeline_stage", of: setup.ticketID, setup)
            XCTAssertEqual(kept, "3", "R5: the sent switch does not override it")
            let latest = try await runs(setup, workflow: sent).first
            XCTAssertEqual(latest?.status, .stopped)
            XCTAssertEqual(latest?.reason, "The reply set the ticket's status itself (R5); the switch leaves it.")

            // A reply without a status whose switch has not run yet, then one with a status: the later choice stays.
            try await setStage("1", setup)
            _ = try await desk.conversations.reply(conversationID: setup.conversationID, ReplyDraft(text: "One more thing"), by: setup.people.agent)
            _ = try await desk.conversations.reply(conversationID: setup.conversationID, ReplyDraft(text: "Done", status: "3"), by: setup.people.agent)
            try await settle(desk)
            let later = try await value("hs_pipeline_stage", of: setup.ticketID, setup)
            XCTAssertEqual(later, "3", "R5: a switch lagging behind a later reply's status does not override it")
            let skipped = try await runs(setup, workflow: sent).flatMap(\.steps).first { $0.outcome == .skipped }
            XCTAssertEqual(skipped?.detail, "Skipped: The ticket's status was set after the email was sent (R5); the switch leaves it.")

            let refused = try? await desk.conversations.reply(conversationID: setup.conversationID, ReplyDraft(text: "x", status: "99"),
                                                             by: setup.people.agent)
            XCTAssertNil(refused, "a status the pipeline lacks refuses the reply whole: nothing is sent without it")
        }
    }

    func testW1CustomerReplySwitchActsOnTheCustomersOwnRepliesOnly() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            _ = try await workflow(.customerReplied, [WorkflowAction(id: "s", kind: .setProperty, fields: ["property": "hs_pipeline_stage", "value": "3"])],
                                   on: setup)
            try await setStage("2", setup)
            _ = try await receive(desk, raw("Re: Printer on fire", id: "m2@example.org",
                                            headers: ["In-Reply-To: <m1@example.org>", "Auto-Submitted: auto-replied"]))
            _ = try await receive(desk, raw("Re: Printer on fire", from: "Agent <agent@example.com>", id: "m3@example.org",
                                            headers: ["In-Reply-To: <m1@example.org>"]), from: "agent@example.com")
            try await settle(desk)
            let untouched = try await value("hs_pipeline_stage", of: setup.ticketID, setup)
            XCTAssertEqual(untouched, "2", "an automatic answer and a user's own mail are not the customer replying")
            _ = try await receive(desk, raw("Re: Printer on fire", id: "m4@example.org", headers: ["In-Reply-To: <m1@example.org>"]))
            try await settle(desk)
            let replied = try await value("hs_pipeline_stage", of: setup.ticketID, setup)
            XCTAssertEqual(replied, "3", "the customer's reply in the ticket's thread moves it to the switch's status")

            try await setStage("4", setup)
            _ = try await receive(desk, raw("Re: Printer on fire", id: "m5@example.org", headers: ["In-Reply-To: <m1@example.org>"]))
            let reopened = try await value("hs_pipeline_stage", of: setup.ticketID, setup)
            XCTAssertEqual(reopened, "1", "a reply to a CLOSED ticket reopens it at once, in the mail's own transaction")
            try await settle(desk)
            let after = try await value("hs_pipeline_stage", of: setup.ticketID, setup)
            XCTAssertEqual(after, "3", "then the switch moves it on")
        }
    }

    func testW2AStageWorkflowNotifiesEmailsTheContactCreatesATaskAndSetsAPropertyAndRecordsItAll() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            _ = try await desk.records.update(type: "tickets", [(setup.ticketID, [Record.ownerProperty: setup.people.agent.user.id])],
                                              by: setup.people.admin)
            let closed = try await workflow(.stageEntered("4"), [
                WorkflowAction(id: "n", kind: .notify, fields: ["owner": "true", "subject": "Closed: {{ticket.subject}}", "body": "Done."]),
                WorkflowAction(id: "e", kind: .emailContact, fields: ["template": "ticket-closed"]),
                WorkflowAction(id: "t", kind: .createTask, fields: ["title": "Call {{contact.email}} back", "dueInDays": "2", "owner": "OWNER"]),
                WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "Closed by the workflow"]),
            ], on: setup)
            try await setStage("4", setup)
            try await settle(desk)
            let closedRuns = try await runs(setup, workflow: closed)
            let run = try XCTUnwrap(closedRuns.first)
            XCTAssertEqual(run.status, .finished)
            XCTAssertEqual(run.recordID, setup.ticketID)
            XCTAssertEqual(run.steps.map(\.actionID), ["n", "e", "t", "p"])
            XCTAssertEqual(run.steps.map(\.outcome), [.done, .done, .done, .done], run.steps.map(\.detail).joined(separator: " | "))
            let resolution = try await value("hs_resolution", of: setup.ticketID, setup)
            XCTAssertEqual(resolution, "Closed by the workflow")
            let tasks = try await desk.associations.list("tickets", setup.ticketID, toType: "tasks", after: nil, limit: 10, by: setup.people.admin)
            let taskID = try XCTUnwrap(tasks.associations.first?.toObjectID)
            let subject = try await value("hs_task_subject", of: taskID, type: "tasks", setup)
            XCTAssertEqual(subject, "Call ada@example.org back")
            let taskOwner = try await value(Record.ownerProperty, of: taskID, type: "tasks", setup)
            XCTAssertEqual(taskOwner, setup.people.agent.user.id)
            let mails = try await outgoing(desk)
            XCTAssertEqual(Set(mails.map { $0.to.map(\.address) }), [["agent@example.com"], ["ada@example.org"]])
            XCTAssertEqual(mails.first { $0.to.first?.address == "ada@example.org" }?.subject, "Your request is closed: Printer on fire")
            XCTAssertEqual(mails.first { $0.to.first?.address == "agent@example.com" }?.subject, "Closed: Printer on fire")
            let thread = try await desk.conversations.messages(conversationID: setup.conversationID, by: setup.people.agent)
            XCTAssertTrue(thread.contains { $0.subject == "Your request is closed: Printer on fire" }, "the customer's mail shows on the ticket's thread")
            let byRecord = try await desk.workflows.runs(recordID: setup.ticketID, by: setup.people.agent)
            XCTAssertEqual(byRecord.map(\.id), [run.id], "the ticket's own run history")
        }
    }

    func testW2ADelaySurvivesARestartAndTheNextStepRunsOnce() async throws {
        let clock = TestClock(start: 1_780_000_000_000)
        try await TestDatabases.eachLocation { location in
            let first = try await HelpDesk.open(location, logger: TestDatabases.logger, clock: clock.now)
            let setup = try await setUp(first)
            let delayed = try await workflow(.stageEntered("4"), [
                WorkflowAction(id: "d", kind: .delay, fields: ["minutes": "60"]),
                WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "An hour later"]),
            ], on: setup)
            try await setStage("4", setup)
            try await settle(first)
            let waiting = try await runs(setup, workflow: delayed).first
            XCTAssertEqual(waiting?.status, .waiting)
            await first.close()

            let second = try await HelpDesk.open(location, logger: TestDatabases.logger, clock: clock.now)
            let again = Setup(desk: second, people: setup.people, ticketID: setup.ticketID, conversationID: setup.conversationID)
            await second.workflows.runDue()
            let early = try await value("hs_resolution", of: setup.ticketID, again)
            XCTAssertNil(early, "nothing before the delay ends")
            clock.advance(by: 61 * 60_000)
            await second.workflows.runDue()
            await second.workflows.runDue()
            let resolution = try await value("hs_resolution", of: setup.ticketID, again)
            XCTAssertEqual(resolution, "An hour later", "the server started again runs the step")
            let finishedRuns = try await runs(again, workflow: delayed)
            let run = try XCTUnwrap(finishedRuns.first)
            XCTAssertEqual(run.status, .finished)
            XCTAssertEqual(run.steps.map(\.actionID), ["d", "p"], "each step once")
            await second.close()
        }
    }

    func testW2TwoServersOnOnePostgreSQLRunEachStepOnce() async throws {
        guard TestDatabases.postgresURL != nil else { throw XCTSkip("needs HELPDESK_TEST_POSTGRES_URL") }
        try await TestDatabases.eachLocation { location in
            guard case .postgres = location else { return }
            let first = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let second = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let setup = try await setUp(first)
            let flow = try await workflow(.stageEntered("4"), [
                WorkflowAction(id: "t", kind: .createTask, fields: ["title": "Follow up"]),
                WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "Done"]),
            ], on: setup)
            let tickets = try await first.records.create(type: "tickets", (0..<12).map { n in
                RecordInput(properties: ["subject": "T\(n)", "hs_pipeline": "0", "hs_pipeline_stage": "4"])
            }, by: setup.people.admin)
            async let a: Void = first.workflows.catchUp()
            async let b: Void = second.workflows.catchUp()
            _ = try await (a, b)
            for _ in 0..<3 {
                async let c: Void = first.workflows.runDue()
                async let d: Void = second.workflows.runDue()
                _ = await (c, d)
            }
            let all = try await first.workflows.runs(workflowID: flow.id, limit: 100, by: setup.people.admin)
            XCTAssertEqual(all.count, 12, "one run per ticket")
            XCTAssertTrue(all.allSatisfy { $0.status == .finished && $0.steps.map(\.actionID) == ["t", "p"] })
            for ticket in tickets {
                let linked = try await first.associations.list("tickets", ticket.id, toType: "tasks", after: nil, limit: 10, by: setup.people.admin)
                XCTAssertEqual(linked.associations.count, 1, "one task for ticket \(ticket.id)")
            }
            await second.close()
            await first.close()
        }
    }

    func testW2AssigningAnOwnerTakesTurnsAmongTheAvailableAgents() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            var agents: [User] = []
            for n in 1...3 {
                agents.append(try await desk.people.createUser(UserDraft(email: "agent\(n)@example.com", firstName: "Agent", lastName: "\(n)",
                                                                         roles: [.helpDeskAccess], serviceSeat: true)))
            }
            _ = try await desk.routing.setStatus(.away, by: Caller(user: agents[2], source: "TEST"))
            let flow = try await workflow(.stageEntered("3"), [
                WorkflowAction(id: "o", kind: .assignOwner, fields: ["users": agents.map(\.id).joined(separator: ","), "distribution": "ROUND_ROBIN"]),
            ], on: setup)
            let tickets = try await desk.records.create(type: "tickets", (0..<4).map { n in
                RecordInput(properties: ["subject": "T\(n)", "hs_pipeline": "0", "hs_pipeline_stage": "3"])
            }, by: setup.people.admin)
            try await settle(desk)
            var owners: [String] = []
            for ticket in tickets { owners.append(try await value(Record.ownerProperty, of: ticket.id, setup) ?? "") }
            XCTAssertEqual(owners.filter { $0 == agents[0].id }.count, 2, "round robin: two each")
            XCTAssertEqual(owners.filter { $0 == agents[1].id }.count, 2)
            XCTAssertFalse(owners.contains(agents[2].id), "never the agent who is away")
            let details = try await runs(setup, workflow: flow).flatMap(\.steps).map(\.detail)
            XCTAssertTrue(details.allSatisfy { $0.hasPrefix("Given to user ") && $0.hasSuffix("round robin, among 3 agents.") }, "\(details)")
        }
    }

    func testW2AWorkflowCreatesAndLinksRecords() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let company = try await desk.records.create(type: "companies", [RecordInput(properties: ["name": "Example", "domain": "example.org"])],
                                                        by: setup.people.admin)[0]
            _ = try await desk.records.update(type: "tickets", [(setup.ticketID, ["hs_resolution": "example.org"])], by: setup.people.admin)
            let flow = try await workflow(.stageEntered("3"), [
                WorkflowAction(id: "d", kind: .createRecord, fields: ["objectType": "deals",
                                                                      "properties": "dealname=Renewal for {{ticket.subject}}\npipeline=default"]),
                WorkflowAction(id: "c", kind: .associateRecord, fields: ["objectType": "companies", "matchProperty": "domain",
                                                                         "property": "hs_resolution"]),
            ], on: setup)
            try await setStage("3", setup)
            try await settle(desk)
            let run = try await runs(setup, workflow: flow).first
            XCTAssertEqual(run?.steps.map(\.outcome), [.done, .done], "\(run?.steps.map(\.detail) ?? [])")
            let deals = try await desk.associations.list("tickets", setup.ticketID, toType: "deals", after: nil, limit: 10, by: setup.people.admin)
            let dealID = try XCTUnwrap(deals.associations.first?.toObjectID)
            let name = try await value("dealname", of: dealID, type: "deals", setup)
            XCTAssertEqual(name, "Renewal for Printer on fire", "a new deal, filled from the ticket and linked to it")
            let companies = try await desk.associations.list("tickets", setup.ticketID, toType: "companies", after: nil, limit: 10,
                                                             by: setup.people.admin)
            XCTAssertEqual(companies.associations.map(\.toObjectID), [company.id], "linked to the company whose domain matches")
        }
    }

    func testW2LoopsAreStoppedWithTheirReason() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let looping = try await workflow(.stageEntered("2"), [
                WorkflowAction(id: "a", kind: .setProperty, fields: ["property": "hs_pipeline_stage", "value": "3"]),
                WorkflowAction(id: "b", kind: .setProperty, fields: ["property": "hs_pipeline_stage", "value": "2"]),
            ], on: setup)
            try await setStage("2", setup)
            for _ in 0..<4 { try await settle(desk) }
            let all = try await runs(setup, workflow: looping)
            XCTAssertEqual(all.count, 3, "the first run, one re-entry, and the second re-entry stopped")
            XCTAssertEqual(all.first?.status, .stopped)
            XCTAssertEqual(all.first?.reason,
                           "The workflow was started 3 times in one chain of runs, each by a change the run before made; stopped to break the loop.")
            XCTAssertEqual(all.dropFirst().map(\.status), [.finished, .finished])

            // Two workflows handing the record back and forth: each runs twice, then the loop stops.
            _ = try await desk.workflows.delete(id: looping.id, by: setup.people.admin)
            let there = try await workflow(.stageEntered("2"), [
                WorkflowAction(id: "a", kind: .setProperty, fields: ["property": "hs_pipeline_stage", "value": "3"])], on: setup)
            let back = try await workflow(.stageEntered("3"), [
                WorkflowAction(id: "a", kind: .setProperty, fields: ["property": "hs_pipeline_stage", "value": "2"])], on: setup)
            try await setStage("1", setup)
            try await setStage("2", setup)
            for _ in 0..<8 { try await settle(desk) }
            let thereRuns = try await runs(setup, workflow: there), backRuns = try await runs(setup, workflow: back)
            XCTAssertEqual(thereRuns.map(\.status), [.stopped, .finished, .finished])
            XCTAssertEqual(backRuns.map(\.status), [.finished, .finished])
        }
    }

    func testW3ARunWaitingInADelayFollowsTheWorkflowAsItIsWhenItWakes() async throws {
        let clock = TestClock(start: 1_780_000_000_000)
        try await TestDatabases.each(clock: clock.now) { desk in
            let setup = try await setUp(desk)
            let flow = try await workflow(.stageEntered("4"), [
                WorkflowAction(id: "d", kind: .delay, fields: ["minutes": "10"]),
                WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "Later"]),
            ], on: setup)
            try await setStage("4", setup)
            try await settle(desk)
            _ = try await desk.workflows.setEnabled(id: flow.id, false, by: setup.people.admin)
            clock.advance(by: 11 * 60_000)
            try await settle(desk)
            let off = try await runs(setup, workflow: flow).first
            XCTAssertEqual(off?.status, .stopped)
            XCTAssertEqual(off?.reason, "The workflow was switched off while the record waited.")
            let resolution = try await value("hs_resolution", of: setup.ticketID, setup)
            XCTAssertNil(resolution)

            _ = try await desk.workflows.setEnabled(id: flow.id, true, by: setup.people.admin)
            try await setStage("1", setup)
            try await setStage("4", setup)
            try await settle(desk)
            _ = try await desk.workflows.deleteAction(workflowID: flow.id, actionID: "p", withFollowing: false, by: setup.people.admin)
            clock.advance(by: 11 * 60_000)
            try await settle(desk)
            let removed = try await runs(setup, workflow: flow).first
            XCTAssertEqual(removed?.reason, "The action the record waited for (p) was deleted from the workflow.")
        }
    }

    func testW3ActionsAreEditedCommentedAndDeletedWithWhatFollows() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let flow = try await workflow(.stageEntered("4"), [
                WorkflowAction(id: "", kind: .delay, fields: ["minutes": "10"]),
                WorkflowAction(id: "", kind: .branch, criteria: [.init(propertyName: "hs_ticket_priority", operator: .eq, value: "HIGH")],
                               then: [WorkflowAction(id: "", kind: .createTask, fields: ["title": "Call"])]),
                WorkflowAction(id: "", kind: .webhook, fields: ["url": "https://hooks.example.com/x", "secret": "0123456789abcdef"]),
            ], on: setup)
            XCTAssertEqual(flow.allActionIDs, ["a1", "a2", "a3", "a4"], "actions without ids get their own")
            let commented = try await desk.workflows.comment(workflowID: flow.id, actionID: "a1", text: "Give them time", by: setup.people.admin)
            XCTAssertEqual(commented.action("a1")?.comments.first?.text, "Give them time")
            let forged = WorkflowAction.Comment(authorID: setup.people.agent.user.id, text: "Said by someone else", at: Timestamp(millisecondsSince1970: 0))
            let edited = try await desk.workflows.editAction(workflowID: flow.id, actionID: "a4",
                                                             WorkflowAction(id: "a4", kind: .webhook, fields: ["url": "https://hooks.example.com/x"],
                                                                            comments: [forged]),
                                                             by: setup.people.admin)
            XCTAssertEqual(edited.action("a4")?["secret"], "0123456789abcdef", "a secret left out is kept for the same address")
            XCTAssertEqual(edited.action("a4")?.comments, [], "comments come from commenting alone")
            XCTAssertEqual(edited.version, 3)
            do {
                _ = try await desk.workflows.editAction(workflowID: flow.id, actionID: "a4",
                                                        WorkflowAction(id: "a4", kind: .webhook, fields: ["url": "https://elsewhere.example.com/"]),
                                                        by: setup.people.admin)
                XCTFail("another address does not inherit the secret")
            } catch let error as HelpDeskError {
                XCTAssertEqual(error.message, "Send a webhook (a4) needs a secret of at least 16 characters to sign with.")
            }
            let cut = try await desk.workflows.deleteAction(workflowID: flow.id, actionID: "a2", withFollowing: true, by: setup.people.admin)
            XCTAssertEqual(cut.allActionIDs, ["a1"], "the branch, its arm and the webhook after it")
            let again = try await desk.workflows.addAction(workflowID: flow.id, WorkflowAction(id: "", kind: .delay, fields: ["minutes": "5"]),
                                                           at: .end, by: setup.people.admin)
            XCTAssertEqual(again.allActionIDs, ["a1", "a5"], "a deleted action's id is not given again")
            do {
                _ = try await desk.workflows.addAction(workflowID: flow.id, WorkflowAction(id: "", kind: .setProperty, fields: ["property": "nope"]),
                                                       at: .end, by: setup.people.admin)
                XCTFail("an unknown property is refused")
            } catch let error as HelpDeskError {
                XCTAssertEqual(error.message, "Set property value (a6): nope is not a ticket property.")
            }
        }
    }

    func testW4AWorkflowRunsOnADealPipeline() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let won = try await workflow(.stageEntered("closedwon"), [WorkflowAction(id: "t", kind: .createTask, fields: ["title": "Send the contract"])],
                                         type: .deals, pipeline: "default", on: setup)
            let deal = try await desk.records.create(type: "deals", [RecordInput(properties: [
                "dealname": "Big", "pipeline": "default", "dealstage": "appointmentscheduled"])], by: setup.people.admin)[0]
            _ = try await desk.records.update(type: "deals", [(deal.id, ["dealstage": "closedwon"])], by: setup.people.admin)
            try await settle(desk)
            let run = try await runs(setup, workflow: won).first
            XCTAssertEqual(run?.status, .finished)
            let tasks = try await desk.associations.list("deals", deal.id, toType: "tasks", after: nil, limit: 10, by: setup.people.admin)
            XCTAssertEqual(tasks.associations.count, 1)
        }
    }

    func testW5ChatTicketsAreLeftOutUnlessACriterionAsksForThem() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let any = try await workflow(.stageEntered("4"), [WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "x"])],
                                         on: setup)
            let chats = try await workflow(.stageEntered("4"), [WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "x"])],
                                           criteria: [.init(propertyName: "source_type", operator: .eq, value: "CHAT")], on: setup)
            _ = try await desk.records.create(type: "tickets", [
                RecordInput(properties: ["subject": "From chat", "hs_pipeline": "0", "hs_pipeline_stage": "4", "source_type": "CHAT"]),
                RecordInput(properties: ["subject": "By mail", "hs_pipeline": "0", "hs_pipeline_stage": "4", "source_type": "EMAIL"]),
            ], by: setup.people.admin)
            try await settle(desk)
            let anyRuns = try await runs(setup, workflow: any)
            let chatRuns = try await runs(setup, workflow: chats)
            XCTAssertEqual(anyRuns.count, 1, "by default, the chat ticket is not enrolled")
            XCTAssertEqual(chatRuns.count, 1, "source = Chat enrolls it, and only it")
            XCTAssertNotEqual(anyRuns.first?.recordID, chatRuns.first?.recordID)
        }
    }

    func testW6OthersReadWorkflowsAndMayNotChangeThem() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let flow = try await workflow(.stageEntered("4"), [], on: setup)
            let read = try await desk.workflows.list(objectType: "tickets", by: setup.people.agent)
            XCTAssertEqual(read.map(\.id), [flow.id])
            for change in [
                { _ = try await desk.workflows.setEnabled(id: flow.id, false, by: setup.people.agent) },
                { try await desk.workflows.delete(id: flow.id, by: setup.people.agent) },
                { _ = try await desk.workflows.saveEmailTemplate(id: nil, name: "N", subject: "S", body: "B", transactional: false,
                                                                 by: setup.people.agent) },
            ] as [() async throws -> Void] {
                do {
                    try await change()
                    XCTFail("an agent without the workflow permission changed a workflow")
                } catch HelpDeskError.forbidden {}
            }
            let permitted = try await desk.people.createUser(UserDraft(email: "flows@example.com", roles: [.helpDeskAccess, .workflowPermission]))
            _ = try await desk.workflows.setEnabled(id: flow.id, false, by: Caller(user: permitted, source: "TEST"))
        }
    }

    func testW6R8AnAgentWhoSeesOnlyTheirOwnTicketsReadsOnlyTheirRuns() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let own = try await desk.people.createUser(UserDraft(email: "own@example.com", roles: [.helpDeskAccess], ticketScope: .own))
            let flow = try await workflow(.stageEntered("4"), [
                WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "Done"])], on: setup)
            let mine = try await desk.records.create(type: "tickets", [RecordInput(properties: [
                "subject": "Mine", "hs_pipeline": "0", "hs_pipeline_stage": "4", Record.ownerProperty: own.id])], by: setup.people.admin)[0]
            try await setStage("4", setup)
            try await settle(desk)
            let all = try await desk.workflows.runs(workflowID: flow.id, by: setup.people.admin)
            XCTAssertEqual(Set(all.map(\.recordID)), [mine.id, setup.ticketID])
            let seen = try await desk.workflows.runs(workflowID: flow.id, by: Caller(user: own, source: "TEST"))
            XCTAssertEqual(seen.map(\.recordID), [mine.id], "the other ticket's run is not theirs to read")
            do {
                _ = try await desk.workflows.runs(recordID: setup.ticketID, by: Caller(user: own, source: "TEST"))
                XCTFail("a ticket they may not see has no runs for them")
            } catch HelpDeskError.notFound {}
        }
    }

    func testW2DryRunSaysWhatWouldHappenWithoutDoingIt() async throws {
        try await TestDatabases.each { desk in
            let setup = try await setUp(desk)
            let flow = try await workflow(.stageEntered("4"), [
                WorkflowAction(id: "e", kind: .emailContact, fields: ["template": "ticket-received"]),
                WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "Dry"]),
            ], on: setup)
            let dry = try await desk.workflows.dryRun(workflowID: flow.id, recordID: setup.ticketID, by: setup.people.agent)
            XCTAssertEqual(dry.steps.map(\.outcome), ["Emails ada@example.org: \"We received your request: Printer on fire\".",
                                                      "Sets hs_resolution to \"Dry\"."])
            let resolution = try await value("hs_resolution", of: setup.ticketID, setup)
            XCTAssertNil(resolution, "nothing was done")
            let mails = try await outgoing(desk)
            XCTAssertEqual(mails.count, 0)
        }
    }

    private func outgoing(_ desk: HelpDesk) async throws -> [MailMessage] {
        let entries = try await desk.database.write { session -> [OutboxEntry] in
            var entries: [OutboxEntry] = []
            for job in try await session.leaseDueJobs(kinds: ["mail.deliver"], now: Timestamp(millisecondsSince1970: Int64.max / 2),
                                                      lease: .seconds(300), limit: 100) {
                if let entry = try await session.outboxEntry(id: Int64(job.payload) ?? 0) { entries.append(entry) }
            }
            return entries
        }
        return try entries.map { try MailMessage(parsing: Array($0.data)) }
    }
}
