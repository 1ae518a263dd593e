import HelpDeskCore
import HelpDeskStore

/// W1-W5: the durable consumer `workflows` reads the feed and starts runs. A record entering a
/// stage starts the workflows of that stage; W1's switches start on a reply sent to the customer
/// and on the customer's reply. Each run is recorded and its first step scheduled as a job in the
/// batch's transaction, so a run starts once, whichever server reads the feed.
enum WorkflowEnrollment {
    static let name = "workflows"

    static func consumer(_ desk: HelpDesk) -> FeedConsumer {
        FeedConsumer(name: name) { events, session in
            try await enroll(events, desk: desk, session: session)
        }
    }

    /// What starts workflows: the event's trigger and whether W1 lets it.
    static func trigger(of event: FeedEvent) -> WorkflowTrigger? {
        guard event.recordID != nil else { return nil }
        switch event.kind {
        case .stageEntered: return event.newValue.map(WorkflowTrigger.stageEntered)
        case .messageSent:
            // Sent by a user from a ticket; mail the help desk sends itself is not "sent to the customer".
            return event.objectType == ObjectType.tickets.id && event.actor != Caller.systemUserID ? .emailSent : nil
        case .messageReceived: return event.oldValue == FeedEvent.customerReply ? .customerReplied : nil
        default: return nil
        }
    }

    static func enroll(_ events: [FeedEvent], desk: HelpDesk, session: StoreSession) async throws {
        let started = events.compactMap { event in trigger(of: event).map { (event, $0) } }
        guard !started.isEmpty else { return }
        let now = desk.clock()
        var workflows: [String: [Workflow]] = [:]
        for (type, group) in Dictionary(grouping: started, by: { $0.0.objectType }) {
            workflows[type] = try await session.enabledWorkflows(objectType: type, triggers: Array(Set(group.map(\.1.key))))
        }
        guard workflows.values.contains(where: { !$0.isEmpty }) else { return }
        for (event, trigger) in started {
            let matching = (workflows[event.objectType] ?? []).filter { $0.trigger == trigger }
            guard !matching.isEmpty, let recordID = event.recordID, let id = Int64(recordID) else { continue }
            // W1 speaks of email: a reply on chat, WhatsApp or a custom channel (no Message-ID) is not one.
            if trigger == .emailSent {
                guard let message = event.newValue, try await session.message(id: message)?.messageID != nil else { continue }
            }
            let schema = try await desk.catalog.schema(for: event.objectType)
            guard let record = try await session.records(type: schema.type, ids: [id]).first else { continue }
            let pipeline = schema.type.pipelineProperty.flatMap { record.properties[$0] }
            for workflow in matching where workflow.pipelineID == pipeline && workflow.enrolls(record.properties, schema: schema) {
                try await start(workflow, record: record, event: event, at: now, session: session)
            }
        }
    }

    /// Records a run and schedules its first step, or records it stopped: by the loop guard, or
    /// because the reply it answers set the status itself (R5).
    static func start(_ workflow: Workflow, record: Record, event: FeedEvent, at now: Timestamp, session: StoreSession) async throws {
        // The workflows of the runs that led here, nearest first.
        var ancestors: [String] = []
        var cause = event.workflowRunID
        while let id = cause, ancestors.count < WorkflowRun.chainLimit, let causing = try await session.run(id: id) {
            ancestors.append(causing.workflowID)
            cause = causing.causedBy
        }
        var run = WorkflowRun(id: "", workflowID: workflow.id, workflowVersion: workflow.version, objectType: record.objectType,
                              recordID: record.id, status: .running, currentAction: workflow.firstActionID, chain: ancestors.count,
                              causedBy: event.workflowRunID, eventPosition: event.position, startedAt: now)
        if let loop = WorkflowRun.loopReason(workflowID: workflow.id, ancestors: ancestors) {
            run.stop(loop, at: now)
        } else if workflow.trigger == .emailSent, event.oldValue == FeedEvent.statusChosen {
            run.stop("The reply set the ticket's status itself (R5); the switch leaves it.", at: now)
        } else if run.currentAction == nil {
            run.status = .finished
            run.endedAt = now
        }
        guard let stored = try await session.insertRun(run) else { return }
        if stored.status == .running { try await WorkflowStep.schedule(stored, at: now, session: session) }
    }
}

extension WorkflowRun {
    mutating func stop(_ reason: String, at now: Timestamp) {
        status = .stopped
        self.reason = reason
        currentAction = nil
        wakeAt = nil
        endedAt = now
    }
}
