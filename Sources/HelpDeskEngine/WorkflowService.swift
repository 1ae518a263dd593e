import Foundation
import HelpDeskCore
import HelpDeskStore

/// Workflows as users configure and read them (W2-W6): every signed-in user of the help desk may
/// read them, their runs and a dry run; changing them needs super admin, account access or the
/// workflow permission (W6). Every change is checked whole (`Workflow.validated`) and raises the
/// workflow's version.
public struct WorkflowService: Sendable {
    let desk: HelpDesk

    /// The workflows of one object type (`tickets`, `0-3`, ...), or of all.
    public func list(objectType reference: String? = nil, by caller: Caller) async throws -> [Workflow] {
        try checkRead(caller)
        let type: String? = if let reference { try await desk.catalog.schema(for: reference).type.id } else { nil }
        return try await desk.database.read { try await $0.workflows(objectType: type) }
    }

    public func get(id: String, by caller: Caller) async throws -> Workflow {
        try checkRead(caller)
        guard let workflow = try await desk.database.read({ try await $0.workflow(id: id) }) else {
            throw HelpDeskError.notFound("Workflow \(id) does not exist.")
        }
        return workflow
    }

    /// Stores a new workflow; actions without an id get one.
    public func create(_ workflow: Workflow, by caller: Caller) async throws -> Workflow {
        try caller.check(.configureAutomation)
        var new = workflow
        let given = new.actions.map { Self.withoutComments($0) }
        new.actions = Self.identified(given, in: &new)
        new.version = 1
        new.updatedAt = desk.clock()
        new.updatedBy = caller.user.id
        let valid = try await validated(new)
        return try await desk.configure(.workflows, objectType: valid.objectType, by: caller, item: { $0.id }) { session in
            try await session.insertWorkflow(valid)
        }
    }

    /// Replaces a workflow by `change` of what is stored now, under the workflow's lock. A
    /// webhook's secret left out of an action that had one is kept. Comments are the stored ones:
    /// they are added by `comment` alone, with their author and time.
    public func update(id: String, by caller: Caller, _ change: @escaping @Sendable (Workflow) throws -> Workflow) async throws -> Workflow {
        try await update(id: id, keepingComments: true, by: caller, change)
    }

    func update(id: String, keepingComments: Bool, by caller: Caller,
                _ change: @escaping @Sendable (Workflow) throws -> Workflow) async throws -> Workflow {
        try caller.check(.configureAutomation)
        let context = try await context()
        let now = desk.clock()
        return try await desk.configure(.workflows, by: caller, item: { $0.id }) { session in
            guard let stored = try await session.workflow(id: id, locking: true) else {
                throw HelpDeskError.notFound("Workflow \(id) does not exist.")
            }
            var changed = try change(stored)
            changed.id = stored.id
            changed.objectType = stored.objectType
            changed.actionsNumbered = max(changed.actionsNumbered, stored.actionsNumbered)
            let given = keepingComments ? Self.comments(of: changed.actions, from: stored) : changed.actions
            changed.actions = Self.keepingSecrets(Self.identified(given, in: &changed), from: stored)
            changed.version = stored.version + 1
            changed.updatedAt = now
            changed.updatedBy = caller.user.id
            let schema = try await desk.catalog.schema(for: stored.objectType)
            let valid: Workflow
            do {
                valid = try changed.validated(schema: schema, context: context)
            } catch let error as WorkflowError {
                throw HelpDeskError.badRequest(error.description)
            }
            try await session.updateWorkflow(valid)
            return valid
        }
    }

    /// W3: switches a workflow on or off.
    public func setEnabled(id: String, _ enabled: Bool, by caller: Caller) async throws -> Workflow {
        try await update(id: id, by: caller) { stored in
            var changed = stored
            changed.enabled = enabled
            return changed
        }
    }

    /// W3: adds an action at a place.
    public func addAction(workflowID: String, _ action: WorkflowAction, at place: ActionPlace, by caller: Caller) async throws -> Workflow {
        try await update(id: workflowID, by: caller) { stored in
            var new = action, numbered = stored
            if new.id.isEmpty { new.id = numbered.takeActionID() }
            guard let changed = numbered.inserting(new, at: place) else {
                throw HelpDeskError.badRequest("The place to add the action names no action (or no branch) of workflow \(stored.id).")
            }
            return changed
        }
    }

    /// W3: edits one action; its comments and a branch's arms stay.
    public func editAction(workflowID: String, actionID: String, _ action: WorkflowAction, by caller: Caller) async throws -> Workflow {
        try await update(id: workflowID, by: caller) { stored in
            guard let changed = stored.replacing(actionID, with: action) else { throw Self.noAction(actionID, in: stored) }
            return changed
        }
    }

    /// W3: deletes one action (a branch with its arms), or it and every action after it.
    public func deleteAction(workflowID: String, actionID: String, withFollowing: Bool, by caller: Caller) async throws -> Workflow {
        try await update(id: workflowID, by: caller) { stored in
            guard let changed = stored.deleting(actionID, withFollowing: withFollowing) else { throw Self.noAction(actionID, in: stored) }
            return changed
        }
    }

    /// W3: a user's comment on an action.
    public func comment(workflowID: String, actionID: String, text: String, by caller: Caller) async throws -> Workflow {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = desk.clock(), author = caller.user.id
        return try await update(id: workflowID, keepingComments: false, by: caller) { stored in
            guard let changed = stored.commenting(actionID, .init(authorID: author, text: trimmed, at: now)) else {
                throw Self.noAction(actionID, in: stored)
            }
            return changed
        }
    }

    /// Removes a workflow; runs waiting in it stop when they wake. Its runs stay readable.
    public func delete(id: String, by caller: Caller) async throws {
        try caller.check(.configureAutomation)
        let now = desk.clock()
        try await desk.configure(.workflows, by: caller, item: { id }) { session in
            guard try await session.workflow(id: id, locking: true) != nil else {
                throw HelpDeskError.notFound("Workflow \(id) does not exist.")
            }
            try await session.archiveWorkflow(id: id, at: now)
        }
    }

    /// What the workflow would do to a record now, without doing it.
    public func dryRun(workflowID: String, recordID: String, by caller: Caller) async throws -> WorkflowDryRun {
        let workflow = try await get(id: workflowID, by: caller)
        let schema = try await desk.catalog.schema(for: workflow.objectType)
        try caller.check(.readRecords(schema.type))
        let context = try await context()
        let now = desk.clock()
        return try await desk.database.read { session in
            guard let id = Int64(recordID), let record = try await session.records(type: schema.type, ids: [id]).first,
                  RecordService.visible(record, to: caller.user, type: schema.type) else {
                throw HelpDeskError.notFound("\(schema.type.singularLabel) \(recordID) does not exist.")
            }
            let contact = try await WorkflowStep.contact(of: record, type: schema.type, session: session)
            return WorkflowDryRun.of(workflow, facts: .init(record: record.properties, contact: contact?.properties, schema: schema,
                                                            context: context, now: now, local: WorkflowStep.local))
        }
    }

    /// Runs, newest first, with their steps: of a workflow, of a record the caller may see, or both.
    public func runs(workflowID: String? = nil, recordID: String? = nil, objectType reference: String = ObjectType.tickets.name,
                     limit: Int = 50, by caller: Caller) async throws -> [WorkflowRun] {
        try checkRead(caller)
        if let recordID {
            let schema = try await desk.catalog.schema(for: reference)
            let visible = try await desk.database.read { session in
                guard let id = Int64(recordID), let record = try await session.records(type: schema.type, ids: [id]).first else { return false }
                return RecordService.visible(record, to: caller.user, type: schema.type)
            }
            guard visible else { throw HelpDeskError.notFound("\(schema.type.singularLabel) \(recordID) does not exist.") }
        }
        let user = caller.user
        return try await desk.database.read { session in
            let runs = try await session.runs(workflowID: workflowID, recordID: recordID, limit: min(max(limit, 1), 200))
            // R8: runs of tickets the caller may not see are not theirs to read.
            guard !(Access.allows(user, .readRecords(.tickets)) && user.ticketScope == .all) else { return runs }
            let tickets = runs.filter { $0.objectType == ObjectType.tickets.id }.compactMap { Int64($0.recordID) }
            let visible = Set(try await session.records(type: .tickets, ids: Array(Set(tickets)))
                .filter { RecordService.visible($0, to: user, type: .tickets) }.map(\.id))
            return runs.filter { $0.objectType != ObjectType.tickets.id || visible.contains($0.recordID) }
        }
    }

    /// The email templates workflows send: the built-in ones and the team's.
    public func emailTemplates(by caller: Caller) async throws -> [EmailTemplate] {
        try checkRead(caller)
        return try await desk.database.read { try await $0.emailTemplates() }
    }

    /// Saves a template: a new one when `id` is `nil`; a built-in one keeps its id and stays
    /// transactional.
    public func saveEmailTemplate(id: String?, name: String, subject: String, body: String, transactional: Bool,
                                  by caller: Caller) async throws -> EmailTemplate {
        try caller.check(.configureAutomation)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines), subject = subject.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = EmailTemplate.problem(name: name, subject: subject, body: body) { throw HelpDeskError.badRequest(problem) }
        let now = desk.clock()
        return try await desk.configure(.workflows, by: caller, item: { $0.id }) { session in
            let existing = try await session.emailTemplates()
            var template = EmailTemplate(id: id ?? "t" + UUID().uuidString.prefix(8).lowercased(), name: name, subject: subject, body: body,
                                         transactional: transactional, updatedAt: now)
            if let id {
                guard let stored = existing.first(where: { $0.id == id }) else {
                    throw HelpDeskError.notFound("Email template \(id) does not exist.")
                }
                template.builtIn = stored.builtIn
                if stored.builtIn { template.transactional = true }
            }
            try await session.saveEmailTemplate(template)
            return template
        }
    }

    public func deleteEmailTemplate(id: String, by caller: Caller) async throws {
        try caller.check(.configureAutomation)
        if EmailTemplate.builtIns.contains(where: { $0.id == id }) {
            throw HelpDeskError.badRequest("\"\(id)\" is built in: it can be edited, not deleted.")
        }
        try await desk.configure(.workflows, by: caller, item: { id }) { session in
            guard try await session.deleteEmailTemplate(id: id) else { throw HelpDeskError.notFound("Email template \(id) does not exist.") }
        }
    }

    /// Starts the runs of everything in the feed so far; for tests and tools, where `Automation`
    /// does not run.
    package func catchUp() async throws {
        let consumer = WorkflowEnrollment.consumer(desk)
        while try await desk.consumeBatch(consumer) == FeedConsumer.batch {}
    }

    /// Runs the workflow steps and webhooks due now; for tests and tools, where the `JobRunner`
    /// does not run.
    package func runDue() async {
        await JobRunner(desk: desk, kinds: [WorkflowStep.job(desk), WorkflowWebhook.job(desk)]).runDue()
    }

    /// W6: everyone who works tickets reads workflows, and so does everyone who may change them.
    func checkRead(_ caller: Caller) throws {
        guard Access.allows(caller.user, .workConversations) || Access.allows(caller.user, .configureAutomation) else {
            throw HelpDeskError.forbidden(AccessDenied(reason: "Reading workflows needs help desk access or the right to configure automation."))
        }
    }

    func context() async throws -> WorkflowContext {
        try await desk.database.read { try await WorkflowStep.context(desk: desk, session: $0) }
    }

    func validated(_ workflow: Workflow) async throws -> Workflow {
        let schema = try await desk.catalog.schema(for: workflow.objectType)
        let context = try await context()
        do {
            var valid = try workflow.validated(schema: schema, context: context)
            valid.objectType = schema.type.id
            return valid
        } catch {
            throw HelpDeskError.badRequest(error.description)
        }
    }

    static func noAction(_ id: String, in workflow: Workflow) -> HelpDeskError {
        .notFound("Workflow \(workflow.id) has no action \(id).")
    }

    /// Gives actions without an id one of their own.
    static func identified(_ actions: [WorkflowAction], in workflow: inout Workflow) -> [WorkflowAction] {
        actions.map { action in
            var action = action
            if action.id.isEmpty { action.id = workflow.takeActionID() }
            action.then = identified(action.then, in: &workflow)
            action.otherwise = identified(action.otherwise, in: &workflow)
            return action
        }
    }

    /// The actions with the comments stored for them (none for new ones), whatever was given.
    static func comments(of actions: [WorkflowAction], from stored: Workflow) -> [WorkflowAction] {
        actions.map { action in
            var action = action
            action.comments = stored.action(action.id)?.comments ?? []
            action.then = comments(of: action.then, from: stored)
            action.otherwise = comments(of: action.otherwise, from: stored)
            return action
        }
    }

    static func withoutComments(_ action: WorkflowAction) -> WorkflowAction {
        var action = action
        action.comments = []
        action.then = action.then.map(withoutComments)
        action.otherwise = action.otherwise.map(withoutComments)
        return action
    }

    /// Secrets the caller left out of actions that had them (they are never read back) are kept,
    /// for the same webhook only: another address needs its secret given again.
    static func keepingSecrets(_ actions: [WorkflowAction], from stored: Workflow) -> [WorkflowAction] {
        actions.map { action in
            var action = action
            if let before = stored.action(action.id), before.kind == action.kind, before["url"] == action["url"] {
                for name in WorkflowAction.secretFields where action.fields[name] == nil { action.fields[name] = before.fields[name] }
            }
            action.then = keepingSecrets(action.then, from: stored)
            action.otherwise = keepingSecrets(action.otherwise, from: stored)
            return action
        }
    }
}
