import HelpDeskCore
import XCTest

/// W2-W5 as pure rules: where a run goes next, how actions are edited and deleted, who is taken
/// in, when a delay ends, what a dry run says, and what a workflow may not be saved with.
final class WorkflowRuleTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_780_000_000_000)  // 2026-05-28T20:26:40Z, a Thursday
    var tickets: RecordSchema {
        RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [DefaultPipelines.tickets(at: now)])
    }
    var context: WorkflowContext {
        WorkflowContext(users: [User(id: "7", email: "ann@example.com", firstName: "Ann", lastName: "Agent", createdAt: now, updatedAt: now),
                                User(id: "8", email: "bob@example.com", firstName: "Bob", lastName: "Agent", createdAt: now, updatedAt: now)],
                        teams: [Team(id: "3", name: "Billing", memberIDs: ["7", "8"], createdAt: now, updatedAt: now)],
                        templates: EmailTemplate.builtIns + [EmailTemplate(id: "news", name: "News", subject: "News", body: "Hi", transactional: false)],
                        schemas: ["companies": RecordSchema(type: .companies, properties: BuiltInProperties.definitions(for: .companies), pipelines: [])],
                        knowsTimeZone: { ["UTC", "Europe/Paris"].contains($0) })
    }

    /// a1, branch b (then: t1, t2 / otherwise: o1), a2
    var workflow: Workflow {
        Workflow(id: "1", objectType: ObjectType.tickets.id, pipelineID: "0", trigger: .stageEntered("4"), name: "Closed", actions: [
            WorkflowAction(id: "a1", kind: .setProperty, fields: ["property": "hs_resolution", "value": "Done for {{contact.firstname}}"]),
            WorkflowAction(id: "b", kind: .branch, criteria: [.init(propertyName: "hs_ticket_priority", operator: .eq, value: "HIGH")],
                           then: [WorkflowAction(id: "t1", kind: .notify, fields: ["owner": "true", "subject": "High: {{ticket.subject}}", "body": "x"]),
                                  WorkflowAction(id: "t2", kind: .delay, fields: ["minutes": "60"])],
                           otherwise: [WorkflowAction(id: "o1", kind: .emailContact, fields: ["template": "ticket-closed"])]),
            WorkflowAction(id: "a2", kind: .createTask, fields: ["title": "Call {{contact.firstname}}", "dueInDays": "2", "owner": "OWNER"]),
        ])
    }

    func testW2RunsGoThroughBranchesAndOnAfterThem() {
        let flow = workflow
        XCTAssertEqual(flow.firstActionID, "a1")
        XCTAssertEqual(flow.next(after: "a1"), "b")
        XCTAssertEqual(flow.next(afterBranch: "b", taking: true), "t1")
        XCTAssertEqual(flow.next(afterBranch: "b", taking: false), "o1")
        XCTAssertEqual(flow.next(after: "t1"), "t2")
        XCTAssertEqual(flow.next(after: "t2"), "a2", "the end of an arm goes on after its branch")
        XCTAssertEqual(flow.next(after: "o1"), "a2")
        XCTAssertNil(flow.next(after: "a2"))
        XCTAssertEqual(flow.allActionIDs, ["a1", "b", "t1", "t2", "o1", "a2"])
        let emptyArm = flow.deleting("o1", withFollowing: false)!
        XCTAssertEqual(emptyArm.next(afterBranch: "b", taking: false), "a2", "an empty arm goes straight on")
    }

    func testW3ActionsAreDeletedAloneOrWithEveryActionAfterThem() {
        XCTAssertEqual(workflow.deleting("a1", withFollowing: false)!.allActionIDs, ["b", "t1", "t2", "o1", "a2"])
        XCTAssertEqual(workflow.deleting("b", withFollowing: false)!.allActionIDs, ["a1", "a2"], "a branch goes with its arms")
        XCTAssertEqual(workflow.deleting("a1", withFollowing: true)!.allActionIDs, [], "branches included")
        XCTAssertEqual(workflow.deleting("t1", withFollowing: true)!.allActionIDs, ["a1", "b", "o1", "a2"], "within an arm, the rest of the arm")
        XCTAssertNil(workflow.deleting("zz", withFollowing: false))
    }

    func testW3ActionsAreAddedEditedAndCommented() {
        let added = workflow.inserting(WorkflowAction(id: "n", kind: .delay, fields: ["minutes": "5"]), at: .after("t1"))!
        XCTAssertEqual(added.allActionIDs, ["a1", "b", "t1", "n", "t2", "o1", "a2"])
        let first = workflow.inserting(WorkflowAction(id: "n", kind: .delay), at: .firstIn(branch: "b", then: false))!
        XCTAssertEqual(first.allActionIDs, ["a1", "b", "t1", "t2", "n", "o1", "a2"])
        XCTAssertNil(workflow.inserting(WorkflowAction(id: "n", kind: .delay), at: .firstIn(branch: "a1", then: true)), "a1 is no branch")
        let commented = workflow.commenting("t2", .init(authorID: "7", text: "Give them an hour", at: now))!
        XCTAssertEqual(commented.action("t2")?.comments.map(\.text), ["Give them an hour"])
        let edited = commented.replacing("t2", with: WorkflowAction(id: "ignored", kind: .delay, fields: ["minutes": "30"]))!
        XCTAssertEqual(edited.action("t2")?.fields["minutes"], "30")
        XCTAssertEqual(edited.action("t2")?.comments.count, 1, "editing keeps the comments")
        let branchEdited = workflow.replacing("b", with: WorkflowAction(id: "b", kind: .branch, criteria: [.init(propertyName: "subject", operator: .hasProperty)]))!
        XCTAssertEqual(branchEdited.allActionIDs, workflow.allActionIDs, "editing a branch's criteria keeps its arms")
        var numbered = workflow
        let fresh = numbered.takeActionID()
        XCTAssertFalse(workflow.allActionIDs.contains(fresh))
        numbered.actions.append(WorkflowAction(id: fresh, kind: .delay))
        numbered = numbered.deleting(fresh, withFollowing: false)!
        XCTAssertNotEqual(numbered.takeActionID(), fresh, "a deleted action's id is never given again")
    }

    func testW5ChatAndMessengerRecordsAreLeftOutUnlessACriterionAsksForThem() {
        var flow = workflow
        XCTAssertTrue(flow.enrolls(["source_type": "EMAIL"], schema: tickets))
        XCTAssertFalse(flow.enrolls(["source_type": "CHAT"], schema: tickets))
        XCTAssertFalse(flow.enrolls(["source_type": "MESSENGER"], schema: tickets))
        XCTAssertTrue(WorkflowDryRun.of(flow, facts: facts(["source_type": "CHAT"])).reason?.contains("live chat") == true)
        flow.criteria = [.init(propertyName: "source_type", operator: .eq, value: "CHAT")]
        XCTAssertTrue(flow.enrolls(["source_type": "CHAT"], schema: tickets), "source = Chat enrolls them")
        XCTAssertFalse(flow.enrolls(["source_type": "EMAIL"], schema: tickets))
        flow.criteria = [.init(propertyName: "hs_ticket_priority", operator: .in, values: ["HIGH", "URGENT"]),
                         .init(propertyName: "subject", operator: .containsToken, value: "print*")]
        XCTAssertTrue(flow.enrolls(["hs_ticket_priority": "urgent", "subject": "The Printer is on fire"], schema: tickets))
        XCTAssertFalse(flow.enrolls(["hs_ticket_priority": "LOW", "subject": "The printer"], schema: tickets))
    }

    func testW2CriteriaCompareNumbersDatesAndAbsentValues() {
        let number: PropertyType = .number
        XCTAssertTrue(SearchRequest.Filter(propertyName: "n", operator: .gt, value: "9").holds(in: ["n": "10"], type: number))
        XCTAssertFalse(SearchRequest.Filter(propertyName: "n", operator: .gt, value: "9").holds(in: ["n": "10"], type: .string),
                       "as text, ordering does not apply")
        XCTAssertTrue(SearchRequest.Filter(propertyName: "d", operator: .between, value: "2026-01-01", highValue: "2026-12-31")
            .holds(in: ["d": "2026-05-28T10:00:00Z"], type: .datetime))
        XCTAssertTrue(SearchRequest.Filter(propertyName: "n", operator: .notHasProperty).holds(in: ["n": ""], type: number))
        XCTAssertTrue(SearchRequest.Filter(propertyName: "n", operator: .neq, value: "3").holds(in: [:], type: number))
        XCTAssertFalse(SearchRequest.Filter(propertyName: "n", operator: .eq, value: "3").holds(in: [:], type: number))
        XCTAssertTrue(SearchRequest.Filter(propertyName: "c", operator: .eq, value: "BILLING_ISSUE")
            .holds(in: ["c": "PRODUCT_ISSUE;BILLING_ISSUE"], type: .enumeration), "a checkbox holds each of its values")
    }

    func testW2DelaysLastMinutesOrUntilAWeekdayAndTimeInATimeZone() {
        let byMinutes = WorkflowAction(id: "d", kind: .delay, fields: ["minutes": "90"])
        XCTAssertEqual(byMinutes.delayEnd(from: now, local: { _ in nil }), now.adding(milliseconds: 90 * 60_000))
        // UTC: Thursday 20:26 → next Monday 09:00.
        let monday = WorkflowAction(id: "d", kind: .delay, fields: ["weekday": "1", "time": "09:00", "timeZone": "UTC"])
        XCTAssertEqual(monday.delayEnd(from: now, local: Self.utc)?.isoString, "2026-06-01T09:00:00.000Z")
        // Thursday 20:00 has passed at 20:26: a week later.
        let thursday = WorkflowAction(id: "d", kind: .delay, fields: ["weekday": "4", "time": "20:00", "timeZone": "UTC"])
        XCTAssertEqual(thursday.delayEnd(from: now, local: Self.utc)?.isoString, "2026-06-04T20:00:00.000Z")
        // Two hours ahead of UTC: Thursday 22:26 there; Friday 08:00 there is 06:00 UTC.
        let friday = WorkflowAction(id: "d", kind: .delay, fields: ["weekday": "5", "time": "08:00", "timeZone": "X"])
        XCTAssertEqual(friday.delayEnd(from: now, local: { Self.utc($0.adding(milliseconds: 2 * 3_600_000)) })?.isoString,
                       "2026-05-29T06:00:00.000Z")
    }

    static func utc(_ time: Timestamp) -> (weekday: Int, minute: Int)? {
        let days = Int(time.millisecondsSince1970 / 86_400_000)
        // 1970-01-01 was a Thursday (4).
        return ((days + 3) % 7 + 1, Int(time.millisecondsSince1970 % 86_400_000) / 60_000)
    }

    func facts(_ record: [String: String], contact: [String: String]? = ["email": "cus@example.com", "firstname": "Cleo"]) -> WorkflowDryRun.Facts {
        WorkflowDryRun.Facts(record: record, contact: contact, schema: tickets, context: context, now: now, local: { _, t in Self.utc(t) })
    }

    func testW2DryRunFollowsTheBranchTheRecordTakesWithoutDoingAnything() {
        let high = WorkflowDryRun.of(workflow, facts: facts(["subject": "Printer", "hs_ticket_priority": "HIGH", "hubspot_owner_id": "7"]))
        XCTAssertEqual(high.steps.map(\.actionID), ["a1", "b", "t1", "t2", "a2"])
        XCTAssertEqual(high.steps.map(\.outcome), [
            "Sets hs_resolution to \"Done for Cleo\".",
            "The criteria hold: the \"then\" branch.",
            "Emails 1 user: \"High: Printer\".",
            "Waits until 2026-05-28T21:26:40.000Z.",
            "Creates the task \"Call Cleo\", due 2026-05-30T21:26:40.000Z for user 7.",
        ], "the task's due date counts from the end of the delay")
        let low = WorkflowDryRun.of(workflow, facts: facts(["subject": "Printer", "hs_ticket_priority": "LOW"]))
        XCTAssertEqual(low.steps.map(\.actionID), ["a1", "b", "o1", "a2"])
        XCTAssertEqual(low.steps[2].outcome, "Emails cus@example.com: \"Your request is closed: Printer\".")
        let noContact = WorkflowDryRun.of(workflow, facts: facts(["hs_ticket_priority": "LOW"], contact: nil))
        XCTAssertTrue(noContact.steps[2].skipped)
        XCTAssertEqual(noContact.steps[2].outcome, "Skipped: The ticket has no contact with an email address.")
    }

    func testW2MarketingEmailReachesOnlyMarketingContactsAndTheSkipIsSaid() {
        let action = WorkflowAction(id: "m", kind: .emailContact, fields: ["template": "news"])
        let decide = { (contact: [String: String]) in
            WorkflowDecision.decide(action, record: [:], contact: contact, schema: self.tickets, context: self.context, now: self.now,
                                    local: { _, _ in nil })
        }
        XCTAssertEqual(decide(["email": "a@example.com"]),
                       .skip("a@example.com is not a marketing contact, and \"News\" is not a transactional email."))
        XCTAssertEqual(decide(["email": "a@example.com", "hs_marketable_status": "true"]),
                       .emailContact(templateID: "news", to: "a@example.com", subject: "News", body: "Hi"))
    }

    func testW2W3AWorkflowIsRefusedWithEveryProblemNamed() {
        var flow = workflow
        flow.trigger = .stageEntered("99")
        flow.actions += [
            WorkflowAction(id: "a1", kind: .delay, fields: ["weekday": "8", "time": "9:00", "timeZone": "Mars/Base"]),
            WorkflowAction(id: "w", kind: .webhook, fields: ["url": "ftp://x", "secret": "short"]),
            WorkflowAction(id: "s", kind: .setProperty, fields: ["property": "hs_object_id", "value": "1"]),
            WorkflowAction(id: "n", kind: .notify, fields: ["users": "99", "subject": "s", "body": "b"]),
            WorkflowAction(id: "e", kind: .emailContact, fields: ["template": "gone"]),
            WorkflowAction(id: "st", kind: .setProperty, fields: ["property": "hs_pipeline_stage", "value": "9"]),
            WorkflowAction(id: "pr", kind: .setProperty, fields: ["property": "hs_ticket_priority", "value": "SOON"]),
            WorkflowAction(id: "ok", kind: .setProperty, fields: ["property": "hs_ticket_priority", "value": "{{ticket.subject}}"]),
        ]
        XCTAssertThrowsError(try flow.validated(schema: tickets, context: context)) { error in
            let problems = (error as? WorkflowError)?.problems ?? []
            XCTAssertEqual(problems, [
                "Stage \"99\" is not a stage of pipeline \"Support Pipeline\".",
                "Two actions have the id \"a1\"; each needs its own.",
                "Delay (a1) needs minutes, or a weekday from 1 (Monday) to 7 (Sunday) with a time.",
                "Delay (a1): the time is written HH:MM.",
                "Delay (a1): \"Mars/Base\" is not a time zone such as Europe/Paris.",
                "Send a webhook (w): \"ftp://x\" is not an http or https address.",
                "Send a webhook (w) needs a secret of at least 16 characters to sign with.",
                "Set property value (s): hs_object_id is read-only.",
                "Send internal email notification (n): user 99 does not exist or is deactivated.",
                "Send email to contact (e): template gone does not exist.",
                "Set property value (st): \"9\" is not a stage of Support Pipeline; its stages are 1 (New), 2 (Waiting on contact), 3 (Waiting on us), 4 (Closed).",
                "Set property value (pr): \"SOON\" is not an option of hs_ticket_priority; its options are LOW, MEDIUM, HIGH, URGENT.",
            ], "a value with placeholders is checked when the step runs")
        }
        XCTAssertEqual(try workflow.validated(schema: tickets, context: context).name, "Closed")
        var deals = workflow
        deals.trigger = .emailSent
        let dealSchema = RecordSchema(type: .deals, properties: BuiltInProperties.definitions(for: .deals), pipelines: [DefaultPipelines.deals(at: now)])
        deals.pipelineID = "default"
        deals.actions = []
        XCTAssertThrowsError(try deals.validated(schema: dealSchema, context: context)) { error in
            XCTAssertEqual((error as? WorkflowError)?.problems, ["Status from email (W1) is for ticket pipelines only."])
        }
    }

    func testW4StageWorkflowsAreForAnyPipelineOfAnyType() throws {
        let dealSchema = RecordSchema(type: .deals, properties: BuiltInProperties.definitions(for: .deals), pipelines: [DefaultPipelines.deals(at: now)])
        let flow = Workflow(id: "2", objectType: ObjectType.deals.id, pipelineID: "default", trigger: .stageEntered("closedwon"), name: "Won",
                            actions: [WorkflowAction(id: "a1", kind: .setProperty, fields: ["property": "dealname", "value": "Won: {{deal.dealname}}"])])
        XCTAssertNoThrow(try flow.validated(schema: dealSchema, context: context))
        let run = WorkflowDryRun.of(flow, facts: WorkflowDryRun.Facts(record: ["dealname": "Big"], contact: nil, schema: dealSchema,
                                                                       context: context, now: now, local: { _, _ in nil }))
        XCTAssertEqual(run.steps.map(\.outcome), ["Sets dealname to \"Won: Big\"."])
    }

    func testW2PlaceholdersFillFromTheRecordAndContactAndNeverShowBraces() {
        XCTAssertEqual(Placeholders.fill("Hi {{contact.firstname}}, {{ticket.subject}} / {{record.subject}} {{nope.x}}{{ticket.missing}}!",
                                         record: ["subject": "S"], recordName: "ticket", contact: ["firstname": "Cleo"]),
                       "Hi Cleo, S / S !")
        XCTAssertEqual(Placeholders.fill("open {{ never", record: [:], recordName: "ticket", contact: [:]), "open {{ never")
    }

    func testW1TriggersAreStoredByKey() {
        for trigger in [WorkflowTrigger.stageEntered("4"), .emailSent, .customerReplied] {
            XCTAssertEqual(WorkflowTrigger(key: trigger.key), trigger)
        }
        XCTAssertNil(WorkflowTrigger(key: "stage:"))
        XCTAssertNil(WorkflowTrigger(key: "SOMETHING"))
    }
}
