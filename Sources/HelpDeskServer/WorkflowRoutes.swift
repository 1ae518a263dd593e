import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/automation/v4/flows`: pipelines' workflows (W1-W6), their actions, runs and dry runs, and
/// `/automation/v4/email-templates`, the emails they send to contacts. Everyone with help desk
/// access reads them; changes need super admin, account access or the workflow permission.
struct WorkflowRoutes {
    let desk: HelpDesk

    struct TriggerJSON: Codable {
        /// `STAGE_ENTERED`, `EMAIL_SENT` or `CUSTOMER_REPLIED`.
        var type: String
        var stageId: String?

        init(_ trigger: WorkflowTrigger) {
            switch trigger {
            case .stageEntered(let stage): (type, stageId) = ("STAGE_ENTERED", stage)
            case .emailSent: (type, stageId) = ("EMAIL_SENT", nil)
            case .customerReplied: (type, stageId) = ("CUSTOMER_REPLIED", nil)
            }
        }

        var trigger: WorkflowTrigger {
            get throws {
                switch type {
                case "STAGE_ENTERED":
                    guard let stageId, !stageId.isEmpty else { throw APIError.badRequest("A STAGE_ENTERED trigger needs a stageId.") }
                    return .stageEntered(stageId)
                case "EMAIL_SENT": return .emailSent
                case "CUSTOMER_REPLIED": return .customerReplied
                default: throw APIError.badRequest("trigger.type is STAGE_ENTERED, EMAIL_SENT or CUSTOMER_REPLIED; \"\(type)\" given.")
                }
            }
        }
    }

    struct WorkflowJSON: Encodable {
        var id: String
        var name: String
        var isEnabled: Bool
        var objectTypeId: String
        var pipelineId: String
        var trigger: TriggerJSON
        var enrollmentCriteria: [SearchRequest.Filter]
        /// Webhooks' secrets are never read back.
        var actions: [WorkflowAction]
        var revisionId: String
        var updatedAt: String
        var updatedBy: String

        init(_ workflow: Workflow) {
            id = workflow.id
            name = workflow.name
            isEnabled = workflow.enabled
            objectTypeId = workflow.objectType
            pipelineId = workflow.pipelineID
            trigger = TriggerJSON(workflow.trigger)
            enrollmentCriteria = workflow.criteria
            actions = workflow.actions.map(\.withoutSecrets)
            revisionId = String(workflow.version)
            updatedAt = workflow.updatedAt.isoString
            updatedBy = workflow.updatedBy
        }
    }

    struct WorkflowInput: Decodable {
        var name: String
        var isEnabled: Bool?
        var objectTypeId: String?
        var pipelineId: String
        var trigger: TriggerJSON
        var enrollmentCriteria: [SearchRequest.Filter]?
        var actions: [WorkflowAction]?
    }

    struct ActionInput: Decodable {
        var action: WorkflowAction
        /// Put it after this action; at the end of the workflow when neither this nor `branchId` is given.
        var after: String?
        /// Put it first in this branch's arm (`then`, or `otherwise` with `otherwise: true`).
        var branchId: String?
        var otherwise: Bool?
    }

    struct RunJSON: Encodable {
        struct StepJSON: Encodable {
            var actionId: String
            var type: String
            var outcome: String
            var detail: String
            var at: String
        }

        var id: String
        var flowId: String
        var revisionId: String
        var objectTypeId: String
        var objectId: String
        var status: String
        var currentActionId: String?
        var wakeAt: String?
        var reason: String?
        var startedAt: String
        var endedAt: String?
        var steps: [StepJSON]

        init(_ run: WorkflowRun) {
            id = run.id
            flowId = run.workflowID
            revisionId = String(run.workflowVersion)
            objectTypeId = run.objectType
            objectId = run.recordID
            status = run.status.rawValue
            currentActionId = run.currentAction
            wakeAt = run.wakeAt?.isoString
            reason = run.reason
            startedAt = run.startedAt.isoString
            endedAt = run.endedAt?.isoString
            steps = run.steps.map { StepJSON(actionId: $0.actionID, type: $0.kind.rawValue, outcome: $0.outcome.rawValue, detail: $0.detail,
                                             at: $0.at.isoString) }
        }
    }

    struct DryRunJSON: Encodable {
        struct StepJSON: Encodable {
            var actionId: String
            var type: String
            var outcome: String
            var skipped: Bool
        }

        var enrolls: Bool
        var reason: String?
        var steps: [StepJSON]
    }

    struct TemplateJSON: Codable {
        var id: String?
        var name: String
        var subject: String
        var body: String
        var transactional: Bool?
        var builtIn: Bool?
        var updatedAt: String?

        init(_ template: EmailTemplate) {
            id = template.id
            name = template.name
            subject = template.subject
            body = template.body
            transactional = template.transactional
            builtIn = template.builtIn
            updatedAt = template.updatedAt.millisecondsSince1970 == 0 ? nil : template.updatedAt.isoString
        }
    }

    func workflow(from input: WorkflowInput, id: String = "") throws -> Workflow {
        Workflow(id: id, objectType: input.objectTypeId ?? ObjectType.tickets.id, pipelineID: input.pipelineId, trigger: try input.trigger.trigger,
                 name: input.name, enabled: input.isEnabled ?? true, criteria: input.enrollmentCriteria ?? [], actions: input.actions ?? [])
    }

    func register(_ section: RouteBook.Section) {
        section.add(.get, "", "getFlows", "The workflows of every pipeline, or of one object type's", response: "FlowList",
                    errors: [400, 404], query: [("objectTypeId", "Only this object type's (tickets, 0-3, ...)")]) { request, context in
            let flows = try await desk.workflows.list(objectType: request.uri.queryParameters.get("objectTypeId"), by: try context.requireCaller())
            return try JSONBody.response(["results": flows.map(WorkflowJSON.init)])
        }
        section.add(.post, "", "createFlow", "Create a workflow; actions without an id get one", request: "FlowInput", response: "Flow",
                    status: 201) { request, context in
            let input = try await JSONBody.decode(WorkflowInput.self, from: request)
            let created: Workflow
            do {
                created = try await desk.workflows.create(try workflow(from: input), by: try context.requireCaller())
            } catch HelpDeskError.notFound(let message) {
                // The only thing a new workflow names that may not exist is its object type: the body is wrong.
                throw APIError.badRequest(message)
            }
            return try JSONBody.response(WorkflowJSON(created), status: .created)
        }
        section.add(.get, "runs", "getRecordFlowRuns", "The runs of every workflow on one record, newest first", response: "FlowRunList",
                    errors: [400, 404], query: [("objectId", "The record"), ("objectTypeId", "Its type; tickets by default"), ("limit", "1 to 200")]) { request, context in
            let query = request.uri.queryParameters
            guard let record = query.get("objectId"), !record.isEmpty else { throw APIError.badRequest("Give the record as objectId.") }
            let runs = try await desk.workflows.runs(recordID: record, objectType: query.get("objectTypeId") ?? ObjectType.tickets.name,
                                                     limit: try QueryNumber.read("limit", in: request, default: 50), by: try context.requireCaller())
            return try JSONBody.response(["results": runs.map(RunJSON.init)])
        }
        section.add(.get, ":flowId", "getFlow", "One workflow", response: "Flow") { _, context in
            try JSONBody.response(WorkflowJSON(try await desk.workflows.get(id: try context.parameters.require("flowId"), by: try context.requireCaller())))
        }
        section.add(.put, ":flowId", "replaceFlow", "Replace a workflow whole; a webhook's secret left out is kept", request: "FlowInput",
                    response: "Flow") { request, context in
            let input = try await JSONBody.decode(WorkflowInput.self, from: request)
            let replacement = try workflow(from: input)
            let updated = try await desk.workflows.update(id: try context.parameters.require("flowId"), by: try context.requireCaller()) { stored in
                var changed = replacement
                changed.objectType = stored.objectType
                return changed
            }
            return try JSONBody.response(WorkflowJSON(updated))
        }
        section.add(.delete, ":flowId", "deleteFlow", "Delete a workflow; its runs stay readable and waiting ones stop",
                    status: 204) { _, context in
            try await desk.workflows.delete(id: try context.parameters.require("flowId"), by: try context.requireCaller())
            return JSONBody.noContent()
        }
        section.add(.post, ":flowId/actions", "addFlowAction", "Add an action: at the end, after another, or first in a branch",
                    request: "FlowActionInput", response: "Flow", status: 201) { request, context in
            let input = try await JSONBody.decode(ActionInput.self, from: request)
            let place: ActionPlace = if let branch = input.branchId { .firstIn(branch: branch, then: !(input.otherwise ?? false)) }
                else if let after = input.after { .after(after) } else { .end }
            let updated = try await desk.workflows.addAction(workflowID: try context.parameters.require("flowId"), input.action, at: place,
                                                             by: try context.requireCaller())
            return try JSONBody.response(WorkflowJSON(updated), status: .created)
        }
        section.add(.put, ":flowId/actions/:actionId", "editFlowAction", "Edit an action; its comments and a branch's arms stay",
                    request: "FlowAction", response: "Flow") { request, context in
            let action = try await JSONBody.decode(WorkflowAction.self, from: request)
            return try JSONBody.response(WorkflowJSON(try await desk.workflows.editAction(
                workflowID: try context.parameters.require("flowId"), actionID: try context.parameters.require("actionId"), action,
                by: try context.requireCaller())))
        }
        section.add(.delete, ":flowId/actions/:actionId", "deleteFlowAction",
                    "Delete an action (a branch with its arms), or with every action after it", response: "Flow",
                    query: [("withFollowing", "true to delete every action after it too, branches included")]) { request, context in
            try JSONBody.response(WorkflowJSON(try await desk.workflows.deleteAction(
                workflowID: try context.parameters.require("flowId"), actionID: try context.parameters.require("actionId"),
                withFollowing: request.uri.queryParameters.get("withFollowing") == "true", by: try context.requireCaller())))
        }
        section.add(.post, ":flowId/actions/:actionId/comments", "commentFlowAction", "Add your comment to an action",
                    request: "FlowCommentInput", response: "Flow", status: 201) { request, context in
            let input = try await JSONBody.decode([String: String].self, from: request)
            return try JSONBody.response(WorkflowJSON(try await desk.workflows.comment(
                workflowID: try context.parameters.require("flowId"), actionID: try context.parameters.require("actionId"),
                text: input["text"] ?? "", by: try context.requireCaller())), status: .created)
        }
        section.add(.post, ":flowId/dry-run", "dryRunFlow", "What the workflow would do to a record now, without doing it",
                    request: "FlowDryRunInput", response: "FlowDryRun") { request, context in
            let input = try await JSONBody.decode([String: String].self, from: request)
            guard let record = input["objectId"] else { throw APIError.badRequest("Give the record to try as objectId.") }
            let dry = try await desk.workflows.dryRun(workflowID: try context.parameters.require("flowId"), recordID: record,
                                                      by: try context.requireCaller())
            return try JSONBody.response(DryRunJSON(enrolls: dry.enrolls, reason: dry.reason, steps: dry.steps.map {
                .init(actionId: $0.actionID, type: $0.kind.rawValue, outcome: $0.outcome, skipped: $0.skipped)
            }))
        }
        section.add(.get, ":flowId/runs", "getFlowRuns", "The workflow's runs, newest first, with each action's result",
                    response: "FlowRunList", query: [("limit", "1 to 200")]) { request, context in
            let runs = try await desk.workflows.runs(workflowID: try context.parameters.require("flowId"),
                                                     limit: try QueryNumber.read("limit", in: request, default: 50), by: try context.requireCaller())
            return try JSONBody.response(["results": runs.map(RunJSON.init)])
        }
    }

    func registerTemplates(_ section: RouteBook.Section) {
        section.add(.get, "", "getEmailTemplates", "The emails workflows send to contacts: the built-in ones, then the team's",
                    response: "EmailTemplateList") { _, context in
            try JSONBody.response(["results": try await desk.workflows.emailTemplates(by: try context.requireCaller()).map(TemplateJSON.init)])
        }
        section.add(.post, "", "createEmailTemplate", "Write a template; not transactional unless said", request: "EmailTemplate",
                    response: "EmailTemplate", status: 201) { request, context in
            let input = try await JSONBody.decode(TemplateJSON.self, from: request)
            let saved = try await desk.workflows.saveEmailTemplate(id: nil, name: input.name, subject: input.subject, body: input.body,
                                                                   transactional: input.transactional ?? false, by: try context.requireCaller())
            return try JSONBody.response(TemplateJSON(saved), status: .created)
        }
        section.add(.put, ":templateId", "updateEmailTemplate", "Edit a template; built-in ones stay transactional",
                    request: "EmailTemplate", response: "EmailTemplate") { request, context in
            let input = try await JSONBody.decode(TemplateJSON.self, from: request)
            let saved = try await desk.workflows.saveEmailTemplate(id: try context.parameters.require("templateId"), name: input.name,
                                                                   subject: input.subject, body: input.body,
                                                                   transactional: input.transactional ?? false, by: try context.requireCaller())
            return try JSONBody.response(TemplateJSON(saved))
        }
        section.add(.delete, ":templateId", "deleteEmailTemplate", "Delete one of the team's templates; built-in ones are only edited",
                    status: 204, errors: [400, 404]) { _, context in
            try await desk.workflows.deleteEmailTemplate(id: try context.parameters.require("templateId"), by: try context.requireCaller())
            return JSONBody.noContent()
        }
    }
}
