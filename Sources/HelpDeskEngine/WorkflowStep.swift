import Foundation
import HelpDeskCore
import HelpDeskMail
import HelpDeskStore

/// One step of a run, as a job (`workflow.step`): the action the run is at is decided
/// (`WorkflowDecision`) and carried out in the transaction that finishes the job, with the step's
/// record and the job of the next step, so that every step happens once, whichever server runs
/// it and wherever one dies. Mail goes through the outbox and webhooks through their own jobs, in
/// the same transaction: both are sent after commit, at least once, with an id the receiver
/// can use to see a repeat.
///
/// A workflow changed while a run waits follows `WorkflowRun.resumption`: switched off, the run
/// stops; otherwise it goes on from the action it waits for, in the workflow as it is now, or
/// stops if that action was deleted.
enum WorkflowStep {
    static let kind = "workflow.step"

    static func job(_ desk: HelpDesk) -> JobKind {
        JobKind(name: kind, work: .inDatabase { job, session in
            try await run(job, desk: desk, session: session)
        }, retryPauses: retryPauses)
    }

    /// A step that cannot be done (no team address to mail from, the database away) is tried
    /// again after these pauses; after the last, its run fails with the reason.
    static let retryPauses: [Duration] = [.seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(4 * 3600)]

    /// Does the step a job names; on its last try, a failure ends the run as failed, with why.
    static func run(_ job: Job, desk: HelpDesk, session: StoreSession) async throws {
        guard let failure = try await session.undoingOnFailure({ try await step(job, desk: desk, session: session) }) else { return }
        guard job.attempts >= retryPauses.count, var run = try await session.run(id: job.payload, locking: true), !run.status.isOver else {
            throw failure
        }
        run.status = .failed
        run.reason = "A step could not be done in \(job.attempts + 1) tries: \(JobRunner.message(of: failure))"
        run.currentAction = nil
        run.wakeAt = nil
        run.endedAt = desk.clock()
        try await session.updateRun(run)
    }

    /// Schedules the run's next step: now, or when its delay ends. The key names the step, so the
    /// job of the step being done (still queued until it commits) does not hold back the next.
    static func schedule(_ run: WorkflowRun, at now: Timestamp, session: StoreSession) async throws {
        try await session.enqueue(NewJob(kind: kind, payload: run.id, runAt: run.wakeAt ?? now,
                                         dedupeKey: "workflow-run:\(run.id):\(run.currentAction ?? "")"), now: now)
    }

    static func step(_ job: Job, desk: HelpDesk, session: StoreSession) async throws {
        let now = desk.clock()
        guard var run = try await session.run(id: job.payload, locking: true), !run.status.isOver else { return }
        guard let workflow = try await session.workflow(id: run.workflowID) else {
            run.stop("The workflow was deleted.", at: now)
            return try await session.updateRun(run)
        }
        let (next, stop) = WorkflowRun.resumption(of: run, in: workflow)
        if let stop {
            run.stop(stop, at: now)
            return try await session.updateRun(run)
        }
        run.workflowVersion = workflow.version
        guard let actionID = next, let action = workflow.action(actionID) else {
            return try await finish(&run, at: now, session: session)
        }
        let schema = try await desk.catalog.schema(for: run.objectType)
        let recordID = Int64(run.recordID) ?? 0
        try await session.lockRecords(ids: [recordID])
        guard let record = try await session.records(type: schema.type, ids: [recordID]).first else {
            run.stop("The record was deleted.", at: now)
            return try await session.updateRun(run)
        }
        let context = try await Self.context(for: action.kind, desk: desk, session: session)
        // The contact is read only for what speaks of it: most steps do not.
        let needsContact = action.kind == .emailContact || action.fields.values.contains { $0.contains("contact.") }
        let contact = needsContact ? try await Self.contact(of: record, type: schema.type, session: session) : nil
        var decision = WorkflowDecision.decide(action, record: record.properties, contact: contact?.properties, schema: schema,
                                               context: context, now: now, local: Self.local)
        // R5: a status chosen with a later reply, or set by anyone since the email went, stays.
        if workflow.trigger == .emailSent, case .setProperty(let name, _) = decision, name == schema.type.stageProperty,
           let sent = run.eventPosition, let stageProperty = schema.type.stageProperty,
           let entered = try await session.latestStageEntry(recordID: record.id, stageProperty: stageProperty), entered > sent {
            decision = .skip("The ticket's status was set after the email was sent (R5); the switch leaves it.")
        }
        var outcome = WorkflowRun.Step.Outcome.done
        var detail = decision.summary
        var following = workflow.next(after: actionID)
        // A failed action is undone whole, so that a failed step leaves nothing half done.
        let failure = try await session.undoingOnFailure {
            switch decision {
            case .skip:
                outcome = .skipped
            case .branch(let then):
                following = workflow.next(afterBranch: actionID, taking: then)
            case .wait(let until):
                run.status = .waiting
                run.wakeAt = until
            case .setProperty(let name, let value):
                try await set([name: value], on: record, schema: schema, run: run, at: now, session: session)
            case .notify(let users, let subject, let body):
                try await notify(users, subject: subject, body: body, context: context, at: now, session: session)
            case .emailContact(_, let to, let subject, let body):
                try await email(to, subject: subject, body: body, record: record, schema: schema, at: now, session: session)
            case .createTask(let properties):
                let id = try await create(properties, in: try await desk.catalog.schema(for: ObjectType.tasks.name), linkedTo: record,
                                          type: schema.type, run: run, at: now, session: session)
                detail += " Task \(id)."
            case .createRecord(let type, let properties):
                let id = try await create(properties, in: try await desk.catalog.schema(for: type), linkedTo: record, type: schema.type,
                                          run: run, at: now, session: session)
                detail += " Record \(id)."
            case .associate(let type, let property, let value):
                detail = try await associate(record, type: schema.type, with: try await desk.catalog.schema(for: type), property: property,
                                             value: value, at: now, session: session)
            case .assignOwner(let candidates, let distribution):
                detail = try await assign(record, schema: schema, candidates: candidates, distribution: distribution,
                                          place: "workflow:\(workflow.id):\(actionID)", desk: desk, run: run, at: now, session: session)
            case .webhook(let url):
                try await WorkflowWebhook.schedule(run: run, actionID: actionID, url: url, record: record, workflow: workflow,
                                                   at: now, session: session)
            }
        }
        if let failure {
            // Nothing to send mail from yet, and the like: the step is tried again later.
            if let error = failure as? HelpDeskError, case .unavailable = error { throw failure }
            guard failure is RecordInputError || failure is HelpDeskError else { throw failure }
            outcome = .failed
            detail = "Failed: " + ((failure as? RecordInputError)?.message ?? (failure as? HelpDeskError)?.message ?? "")
            following = workflow.next(after: actionID)
            run.status = .running
            run.wakeAt = nil
        }
        try await session.insertRunStep(runID: run.id, WorkflowRun.Step(actionID: actionID, kind: action.kind, outcome: outcome,
                                                                        detail: detail, at: now))
        run.currentAction = following
        if run.status == .waiting {
            try await session.updateRun(run)
            return try await schedule(run, at: now, session: session)
        }
        guard following != nil else { return try await finish(&run, at: now, session: session) }
        run.status = .running
        run.wakeAt = nil
        try await session.updateRun(run)
        try await schedule(run, at: now, session: session)
    }

    static func finish(_ run: inout WorkflowRun, at now: Timestamp, session: StoreSession) async throws {
        run.status = .finished
        run.currentAction = nil
        run.wakeAt = nil
        run.endedAt = now
        try await session.updateRun(run)
    }

    /// What a workflow may name, whole: for checking one and for dry runs.
    static func context(desk: HelpDesk, session: StoreSession) async throws -> WorkflowContext {
        WorkflowContext(users: try await session.users(includeArchived: false), teams: try await session.teams(),
                        templates: try await session.emailTemplates(), schemas: try await schemas(desk),
                        knowsTimeZone: { TimeZone(identifier: $0) != nil })
    }

    /// What one kind of action reads: people from the routing roster, which this server keeps in
    /// memory; templates and other types only for the actions that name them.
    static func context(for kind: WorkflowAction.Kind, desk: HelpDesk, session: StoreSession) async throws -> WorkflowContext {
        let roster = try await desk.routingRoster.snapshot(session: session)
        return WorkflowContext(users: roster.users.values.filter { !$0.archived }, teams: roster.teams,
                               templates: kind == .emailContact ? try await session.emailTemplates() : [],
                               schemas: kind == .createRecord || kind == .associateRecord ? try await schemas(desk) : [:],
                               knowsTimeZone: { TimeZone(identifier: $0) != nil })
    }

    /// Every object type's schema, by name and by id.
    static func schemas(_ desk: HelpDesk) async throws -> [String: RecordSchema] {
        var schemas: [String: RecordSchema] = [:]
        for type in try await desk.catalog.objectTypes() {
            let schema = try await desk.catalog.schema(for: type.id)
            schemas[type.name] = schema
            schemas[type.id] = schema
        }
        return schemas
    }

    /// A moment on the wall clock of a time zone: weekday (1 = Monday) and minute of the day.
    @Sendable static func local(_ zone: String, _ time: Timestamp) -> (weekday: Int, minute: Int)? {
        OpeningHours.local(time, in: zone).map { ($0.weekday, $0.minute) }
    }

    /// The record's contact: itself for a contact, else the first contact linked to it.
    static func contact(of record: Record, type: ObjectType, session: StoreSession) async throws -> Record? {
        if type.id == ObjectType.contacts.id { return record }
        guard let id = Int64(record.id),
              let first = try await session.associations(fromType: type.id, fromIDs: [id], toType: ObjectType.contacts.id, limit: 1,
                                                         visibility: .everything)[id]?.first,
              let contactID = Int64(first.toObjectID) else { return nil }
        return try await session.records(type: .contacts, ids: [contactID]).first
    }

    static func set(_ change: [String: String], on record: Record, schema: RecordSchema, run: WorkflowRun, at now: Timestamp,
                    session: StoreSession) async throws {
        let write = try RecordWrite.update(record.properties, with: change, schema: schema, now: now)
        try await RecordService.apply([(record, write)], schema: schema, actor: Caller.systemUserID, source: source, now: now,
                                      run: run.id, session: session)
    }

    /// Where workflows' changes say they come from, in timelines and property histories.
    static let source = "AUTOMATION"

    static func sender(session: StoreSession) async throws -> HelpDeskCore.Channel {
        guard let channel = try await session.channels(kind: .email).first(where: { !$0.archived }) else {
            throw HelpDeskError.unavailable("No team email address is connected to send from; the step waits for one.")
        }
        return channel
    }

    static func notify(_ userIDs: [String], subject: String, body: String, context: WorkflowContext, at now: Timestamp,
                       session: StoreSession) async throws {
        _ = try await sender(session: session)
        for user in context.users where userIDs.contains(user.id) {
            try await PeopleService.mail(to: user, subject: subject, text: body, now: now, session: session)
        }
    }

    /// The email to the contact goes on the ticket's latest email thread when it has one, so the
    /// team reads it there and the customer's answer comes back to it; otherwise it is mailed alone.
    static func email(_ to: String, subject: String, body: String, record: Record, schema: RecordSchema, at now: Timestamp,
                      session: StoreSession) async throws {
        let type = schema.type
        let emailChannels = try await session.channels(kind: .email).filter { !$0.archived }
        if type.isTicket, let id = Int64(record.id) {
            let threads = try await session.conversations(ticketIDs: [id])
            if let thread = threads.last(where: { thread in emailChannels.contains { $0.id == thread.channelID } }),
               let channel = emailChannels.first(where: { $0.id == thread.channelID }) {
                _ = try await ConversationService.storeEmail(
                    in: thread, answering: nil, subject: subject, from: channel, to: [to], cc: [], bcc: [], text: body, html: nil,
                    attachments: [], by: .system(source: source), at: now, tickets: schema, session: session)
                return
            }
        }
        let channel = try await sender(session: session)
        let domain = channel.address.split(separator: "@").last.map(String.init) ?? "localhost"
        let mail = OutgoingMail(
            from: MailAddress(name: channel.name == channel.address ? nil : channel.name, address: channel.address),
            to: [MailAddress(name: nil, address: to)],
            replyTo: type.isTicket ? MailAddress(name: nil, address: TicketToken.replyAddress(teamAddress: channel.address, ticketID: record.id)) : nil,
            subject: subject, text: body, messageID: OutgoingMail.newMessageID(domain: domain), date: now.millisecondsSince1970)
        try await session.enqueueMail(messageID: nil, sender: channel.address, recipients: [to], data: mail.rendered(), now: now)
    }

    /// A record made by the workflow, linked to the one it runs on; returns its id.
    static func create(_ properties: [String: String], in other: RecordSchema, linkedTo record: Record, type: ObjectType,
                       run: WorkflowRun, at now: Timestamp, session: StoreSession) async throws -> String {
        let link = RecordService.Link(type: type, id: Int64(record.id) ?? 0,
                                      association: .defaultType(from: other.type.id, to: type.id))
        let (records, events) = try await Intake.create(properties, schema: other, links: [link], by: .system(source: source), now: now,
                                                        session: session)
        // A record a run makes is part of its chain: a workflow that makes records entering its own
        // stage meets the loop guard.
        try session.append(events.map { event in
            var event = event
            if event.kind == .stageEntered { event.oldValue = FeedEvent.workflowRun(run.id) }
            return event
        })
        return records.first?.id ?? ""
    }

    static func associate(_ record: Record, type: ObjectType, with other: RecordSchema, property: String, value: String,
                          at now: Timestamp, session: StoreSession) async throws -> String {
        let found = try await session.recordIDs(type: other.type, property: property, values: [value])
        guard let target = found[value] else {
            return "No \(other.type.singularLabel.lowercased()) has \(property) \"\(value)\"; nothing was linked."
        }
        let association = AssociationType.defaultType(from: type.id, to: other.type.id)
        try await session.associate(fromType: type.id, fromID: Int64(record.id) ?? 0, toType: other.type.id, toID: target,
                                    type: association, now: now)
        try session.append([FeedEvent(recordID: record.id, objectType: type.id, kind: .associated, property: other.type.id,
                                      newValue: String(target), actor: Caller.systemUserID, source: source, occurredAt: now)])
        return "Linked \(other.type.singularLabel.lowercased()) \(target), whose \(property) is \"\(value)\"."
    }

    /// Gives the record to one of the candidates who is available, by the distribution, as routing
    /// does (A4-A7); with nobody available it stays as it is.
    static func assign(_ record: Record, schema: RecordSchema, candidates: [String], distribution: Distribution, place: String,
                       desk: HelpDesk, run: WorkflowRun, at now: Timestamp, session: StoreSession) async throws -> String {
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: candidates, distribution: distribution, availableOnly: true)
        let routing = TicketRouting(tickets: schema, roster: desk.routingRoster, now: now)
        let decision = try await routing.decide(rule, ticket: record.properties, channelID: place, contactOwnerID: nil, session: session)
        guard let owner = decision.ownerID else {
            return "None of the \(candidates.count) agents could take it now (away, off or at capacity); the owner is unchanged."
        }
        try await set([Record.ownerProperty: owner], on: record, schema: schema, run: run, at: now, session: session)
        if distribution == .roundRobin { try await session.advanceRotation(channelID: place, to: owner, now: now) }
        return "Given to user \(owner), \(distribution.title), among \(candidates.count) agents."
    }
}
