import Foundation
import HelpDeskCore
import SQLKit

/// Storage of workflows, their runs and the email templates they send.
extension StoreSession {
    /// What a workflow keeps as JSON: its criteria and its actions.
    struct WorkflowDefinition: Codable {
        var criteria: [SearchRequest.Filter]
        var actions: [WorkflowAction]
        var actionsNumbered: Int?
    }

    /// The workflows of a type (all types when `nil`), oldest first; switched-off ones included.
    package func workflows(objectType: String? = nil) async throws -> [Workflow] {
        let filter: SQLQueryString = objectType.map { "AND object_type = \(bind: $0)" } ?? ""
        return try await sql.raw("SELECT * FROM workflows WHERE archived = 0 \(filter) ORDER BY id").all().map(Self.workflow)
    }

    /// The switched-on workflows a record of this type can start with these triggers.
    package func enabledWorkflows(objectType: String, triggers: [String]) async throws -> [Workflow] {
        guard !triggers.isEmpty else { return [] }
        return try await sql.raw("""
            SELECT * FROM workflows WHERE archived = 0 AND enabled = 1 AND object_type = \(bind: objectType)
            AND trigger_key IN (\(binds: triggers)) ORDER BY id
            """).all().map(Self.workflow)
    }

    package func workflow(id: String, locking: Bool = false) async throws -> Workflow? {
        guard let number = Int64(id) else { return nil }
        let lock: SQLQueryString = locking && dialect == .postgres ? " FOR UPDATE" : ""
        return try await sql.raw("SELECT * FROM workflows WHERE id = \(bind: number) AND archived = 0\(lock)").first().map(Self.workflow)
    }

    /// Stores a new workflow; returns it with its id.
    package func insertWorkflow(_ workflow: Workflow) async throws -> Workflow {
        let definition = try Self.encoded(WorkflowDefinition(criteria: workflow.criteria, actions: workflow.actions, actionsNumbered: workflow.actionsNumbered))
        let row = try await sql.raw("""
            INSERT INTO workflows (object_type, pipeline_id, trigger_key, name, enabled, version, definition, updated_at, updated_by)
            VALUES (\(bind: workflow.objectType), \(bind: workflow.pipelineID), \(bind: workflow.trigger.key), \(bind: workflow.name),
                    \(bind: workflow.enabled ? 1 : 0), \(bind: workflow.version), \(bind: definition),
                    \(bind: workflow.updatedAt.millisecondsSince1970), \(bind: workflow.updatedBy))
            RETURNING id
            """).first()
        var stored = workflow
        stored.id = String(try row?.decode(column: "id", as: Int64.self) ?? 0)
        return stored
    }

    package func updateWorkflow(_ workflow: Workflow) async throws {
        let definition = try Self.encoded(WorkflowDefinition(criteria: workflow.criteria, actions: workflow.actions, actionsNumbered: workflow.actionsNumbered))
        try await sql.raw("""
            UPDATE workflows SET pipeline_id = \(bind: workflow.pipelineID), trigger_key = \(bind: workflow.trigger.key),
            name = \(bind: workflow.name), enabled = \(bind: workflow.enabled ? 1 : 0), version = \(bind: workflow.version),
            definition = \(bind: definition), updated_at = \(bind: workflow.updatedAt.millisecondsSince1970),
            updated_by = \(bind: workflow.updatedBy)
            WHERE id = \(bind: Int64(workflow.id) ?? 0)
            """).run()
    }

    /// Removes a workflow from use; its runs stay readable.
    package func archiveWorkflow(id: String, at time: Timestamp) async throws {
        try await sql.raw("""
            UPDATE workflows SET archived = 1, enabled = 0, updated_at = \(bind: time.millisecondsSince1970)
            WHERE id = \(bind: Int64(id) ?? 0)
            """).run()
    }

    static func workflow(_ row: any SQLRow) throws -> Workflow {
        let key = try row.decode(column: "trigger_key", as: String.self)
        guard let trigger = WorkflowTrigger(key: key) else {
            throw StoreError.corruptRow(table: "workflows", detail: "unknown trigger \(key)")
        }
        let definition = try decoded(WorkflowDefinition.self, row, column: "definition", table: "workflows")
        return Workflow(
            id: String(try row.decode(column: "id", as: Int64.self)), objectType: try row.decode(column: "object_type", as: String.self),
            pipelineID: try row.decode(column: "pipeline_id", as: String.self), trigger: trigger,
            name: try row.decode(column: "name", as: String.self), enabled: try row.decode(column: "enabled", as: Int.self) == 1,
            criteria: definition.criteria, actions: definition.actions, version: try row.decode(column: "version", as: Int.self),
            actionsNumbered: definition.actionsNumbered ?? 0,
            updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)),
            updatedBy: try row.decode(column: "updated_by", as: String.self))
    }
}

extension StoreSession {
    /// Records a new run; `nil` when this workflow already took the record in for its event
    /// (a consumer's batch that runs again finds its runs there).
    package func insertRun(_ run: WorkflowRun) async throws -> WorkflowRun? {
        let row = try await sql.raw("""
            INSERT INTO workflow_runs (workflow_id, workflow_version, object_type, record_id, event_position, caused_by, chain, status,
                                       current_action, wake_at, reason, started_at, ended_at)
            VALUES (\(bind: Int64(run.workflowID) ?? 0), \(bind: run.workflowVersion), \(bind: run.objectType),
                    \(bind: Int64(run.recordID) ?? 0), \(bind: run.eventPosition), \(bind: run.causedBy.flatMap { Int64($0) }), \(bind: run.chain),
                    \(bind: run.status.rawValue),
                    \(bind: run.currentAction), \(bind: run.wakeAt?.millisecondsSince1970), \(bind: run.reason),
                    \(bind: run.startedAt.millisecondsSince1970), \(bind: run.endedAt?.millisecondsSince1970))
            ON CONFLICT DO NOTHING
            RETURNING id
            """).first()
        guard let row else { return nil }
        var stored = run
        stored.id = String(try row.decode(column: "id", as: Int64.self))
        return stored
    }

    /// A run without its steps; locked for the transaction on PostgreSQL when `locking`.
    package func run(id: String, locking: Bool = false) async throws -> WorkflowRun? {
        guard let number = Int64(id) else { return nil }
        let lock: SQLQueryString = locking && dialect == .postgres ? " FOR UPDATE" : ""
        return try await sql.raw("SELECT * FROM workflow_runs WHERE id = \(bind: number)\(lock)").first().map(Self.run)
    }

    /// Saves where a run is.
    package func updateRun(_ run: WorkflowRun) async throws {
        try await sql.raw("""
            UPDATE workflow_runs SET workflow_version = \(bind: run.workflowVersion), status = \(bind: run.status.rawValue),
            current_action = \(bind: run.currentAction), wake_at = \(bind: run.wakeAt?.millisecondsSince1970),
            reason = \(bind: run.reason), ended_at = \(bind: run.endedAt?.millisecondsSince1970)
            WHERE id = \(bind: Int64(run.id) ?? 0)
            """).run()
    }

    package func insertRunStep(runID: String, _ step: WorkflowRun.Step) async throws {
        try await insertRows(into: "workflow_run_steps", columns: ["run_id", "action_id", "kind", "outcome", "detail", "at"], [[
            .integer(Int64(runID)), .text(step.actionID), .text(step.kind.rawValue), .text(step.outcome.rawValue),
            .text(String(step.detail.prefix(2000))), .integer(step.at.millisecondsSince1970),
        ]])
    }

    /// Runs, newest first, with their steps: of one workflow, of one record, or both.
    package func runs(workflowID: String? = nil, recordID: String? = nil, beforeID: Int64? = nil, limit: Int) async throws -> [WorkflowRun] {
        var conditions: [SQLQueryString] = []
        if let workflowID { conditions.append("workflow_id = \(bind: Int64(workflowID) ?? 0)") }
        if let recordID { conditions.append("record_id = \(bind: Int64(recordID) ?? 0)") }
        if let beforeID { conditions.append("id < \(bind: beforeID)") }
        let filter: SQLQueryString = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var runs = try await sql.raw("SELECT * FROM workflow_runs \(filter) ORDER BY id DESC LIMIT \(bind: limit)").all().map(Self.run)
        let ids = runs.compactMap { Int64($0.id) }
        guard !ids.isEmpty else { return runs }
        var steps: [String: [WorkflowRun.Step]] = [:]
        for row in try await sql.raw("SELECT * FROM workflow_run_steps WHERE run_id IN (\(binds: ids)) ORDER BY id").all() {
            let kind = try row.decode(column: "kind", as: String.self), outcome = try row.decode(column: "outcome", as: String.self)
            guard let kind = WorkflowAction.Kind(rawValue: kind), let outcome = WorkflowRun.Step.Outcome(rawValue: outcome) else {
                throw StoreError.corruptRow(table: "workflow_run_steps", detail: "unknown kind \(kind) or outcome \(outcome)")
            }
            steps[String(try row.decode(column: "run_id", as: Int64.self)), default: []].append(WorkflowRun.Step(
                actionID: try row.decode(column: "action_id", as: String.self), kind: kind, outcome: outcome,
                detail: try row.decode(column: "detail", as: String.self),
                at: Timestamp(millisecondsSince1970: try row.decode(column: "at", as: Int64.self))))
        }
        for index in runs.indices { runs[index].steps = steps[runs[index].id] ?? [] }
        return runs
    }

    /// Where in the feed the record last entered a stage, if it did.
    package func latestStageEntry(recordID: String, stageProperty: String) async throws -> Int64? {
        try await sql.raw("""
            SELECT MAX(position) AS position FROM events
            WHERE record_id = \(bind: Int64(recordID) ?? 0) AND property = \(bind: stageProperty) AND kind = \(bind: FeedEvent.Kind.stageEntered.rawValue)
            """).first()?.decode(column: "position", as: Int64?.self)
    }

    static func run(_ row: any SQLRow) throws -> WorkflowRun {
        let status = try row.decode(column: "status", as: String.self)
        guard let known = WorkflowRun.Status(rawValue: status) else {
            throw StoreError.corruptRow(table: "workflow_runs", detail: "unknown status \(status)")
        }
        return WorkflowRun(
            id: String(try row.decode(column: "id", as: Int64.self)), workflowID: String(try row.decode(column: "workflow_id", as: Int64.self)),
            workflowVersion: try row.decode(column: "workflow_version", as: Int.self), objectType: try row.decode(column: "object_type", as: String.self),
            recordID: String(try row.decode(column: "record_id", as: Int64.self)), status: known,
            currentAction: try row.decode(column: "current_action", as: String?.self),
            wakeAt: try row.decode(column: "wake_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)),
            reason: try row.decode(column: "reason", as: String?.self), chain: try row.decode(column: "chain", as: Int.self),
            causedBy: try row.decode(column: "caused_by", as: Int64?.self).map(String.init),
            eventPosition: try row.decode(column: "event_position", as: Int64?.self),
            startedAt: Timestamp(millisecondsSince1970: try row.decode(column: "started_at", as: Int64.self)),
            endedAt: try row.decode(column: "ended_at", as: Int64?.self).map(Timestamp.init(millisecondsSince1970:)))
    }
}

extension StoreSession {
    /// Every email template: the built-in ones as edited, or as shipped, then the team's, by name.
    package func emailTemplates() async throws -> [EmailTemplate] {
        let stored = try await sql.raw("SELECT * FROM email_templates").all().map { row in
            EmailTemplate(id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
                          subject: try row.decode(column: "subject", as: String.self), body: try row.decode(column: "body", as: String.self),
                          transactional: try row.decode(column: "transactional", as: Int.self) == 1,
                          builtIn: try row.decode(column: "built_in", as: Int.self) == 1,
                          updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
        }
        let builtIn = EmailTemplate.builtIns.map { shipped in stored.first { $0.id == shipped.id } ?? shipped }
        let own = stored.filter { !$0.builtIn }.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
        return builtIn + own
    }

    package func saveEmailTemplate(_ template: EmailTemplate) async throws {
        try await sql.raw("""
            INSERT INTO email_templates (id, name, subject, body, transactional, built_in, updated_at)
            VALUES (\(bind: template.id), \(bind: template.name), \(bind: template.subject), \(bind: template.body),
                    \(bind: template.transactional ? 1 : 0), \(bind: template.builtIn ? 1 : 0), \(bind: template.updatedAt.millisecondsSince1970))
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, subject = excluded.subject, body = excluded.body,
                transactional = excluded.transactional, updated_at = excluded.updated_at
            """).run()
    }

    /// Removes one of the team's templates; returns whether there was one. Built-in ones stay.
    package func deleteEmailTemplate(id: String) async throws -> Bool {
        try await sql.raw("DELETE FROM email_templates WHERE id = \(bind: id) AND built_in = 0 RETURNING id").all().count == 1
    }
}
