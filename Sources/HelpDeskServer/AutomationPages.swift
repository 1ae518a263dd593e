import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The automation of a pipeline, in the workspace (W1-W6): W1's two switches at the top for a
/// ticket pipeline, then each stage with the actions its workflow runs, in order, branches
/// indented, each with its comments and forms to edit, comment and delete it (alone or with what
/// follows); a form to add an action; the workflow's switch and enrollment criteria; a dry run
/// on a chosen record; and the latest runs with each action's result. Everyone with help desk
/// access reads it; only those who may configure automation see the forms (W6).
struct AutomationPages {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    struct Option {
        var value: String
        var label: String
        var selected = false
    }

    struct Switch {
        var trigger: String
        var title: String
        var hint: String
        var on: Bool
        var statuses: [Option]
        var workflowID: String?
        /// Names this switch's elements on the page.
        var key: String
        var actions: [ActionRow]
        var places: [Option]
        /// Where its add form posts.
        var addAction: String
    }

    struct ActionRow {
        var id: String
        var title: String
        var summary: String
        var depth: Int
        /// An arm's heading row ("If ..." / "Otherwise"), not an action.
        var arm: String?
        var comments: [String]
        var fields: [Option]
        var hasComments = false
    }

    struct StageView {
        var stageID: String
        var key: String
        var addAction: String
        var label: String
        var workflowID: String?
        var enabled: Bool
        var criteria: [Option]
        var actions: [ActionRow]
        var places: [Option]
        var hasCriteria = false
    }

    struct RunView {
        var id: String
        var recordID: String
        var recordLink: String?
        var workflow: String
        var status: String
        var startedISO: String
        var reason: String?
        var steps: [String]
    }

    struct DryRunView {
        var workflow: String
        var recordID: String
        var enrolls: Bool
        var reason: String?
        var steps: [String]
    }

    struct TemplateView {
        var id: String
        var name: String
        var subject: String
        var body: String
        var transactional: Bool
        var builtIn: Bool
    }

    struct PipelineLink {
        var href: String
        var label: String
        var current: Bool
    }

    struct Page {
        var title: String
        var atAutomation = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var pipelineName: String
        var typeLabel: String
        var base: String
        var canChange: Bool
        var pipelines: [PipelineLink]
        var switches: [Switch]
        var stages: [StageView]
        var kinds: [Option]
        var users: [Option]
        var teams: [Option]
        var templates: [Option]
        var emailTemplates: [TemplateView]
        var properties: [Option]
        var operators: [Option]
        var distributions: [Option]
        var workflows: [Option]
        var runs: [RunView]
        var dryRun: DryRunView?
        var error: String?
        var hasSwitches = false
        var hasRuns = false
        let placeholderHint = "Placeholders fill in the record's and its contact's values: {{ticket.subject}}, {{contact.firstname}}."
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/automation") { _, context in
            try await WorkspacePage.signedIn(context) { _, _ in
                let tickets = try await desk.recordSchema(ObjectType.tickets.name)
                return WorkspacePage.redirect(to: "/settings/automation/tickets/\(tickets.defaultPipeline?.id ?? "0")")
            }
        }
        router.get("settings/automation/:type/:pipeline") { request, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                let query = request.uri.queryParameters
                return try await page(type: try context.parameters.require("type"), pipelineID: try context.parameters.require("pipeline"),
                                      caller: caller, csrf: csrf, dryRun: query.get("dryRun").map { ($0, query.get("record") ?? "") })
            }
        }
        router.post("settings/automation/:type/:pipeline/switch") { request, context in
            try await change(request, context) { caller, form, type, pipeline in
                try await setSwitch(form, type: type, pipeline: pipeline, by: caller)
            }
        }
        router.post("settings/automation/:type/:pipeline/stages/:stage/actions") { request, context in
            try await change(request, context) { caller, form, type, pipeline in
                let stage = try context.parameters.require("stage")
                let action = try Self.action(from: form, kind: form["kind"] ?? "")
                let existing = try await stageWorkflow(type: type, pipeline: pipeline, stage: stage, by: caller)
                if let existing {
                    _ = try await desk.workflows.addAction(workflowID: existing.id, action, at: Self.place(form["place"]), by: caller)
                } else {
                    let schema = try await desk.recordSchema(type)
                    let label = schema.pipeline(pipeline)?.stage(stage)?.label ?? stage
                    _ = try await desk.workflows.create(Workflow(id: "", objectType: schema.type.id, pipelineID: pipeline,
                                                                 trigger: .stageEntered(stage), name: "When a record enters \(label)",
                                                                 actions: [action]), by: caller)
                }
                return "stage-\(stage)"
            }
        }
        router.post("settings/automation/:type/:pipeline/workflows/:workflow/actions") { request, context in
            try await change(request, context) { caller, form, _, _ in
                let id = try context.parameters.require("workflow")
                _ = try await desk.workflows.addAction(workflowID: id, try Self.action(from: form, kind: form["kind"] ?? ""),
                                                       at: Self.place(form["place"]), by: caller)
                return "workflow-\(id)"
            }
        }
        router.post("settings/automation/:type/:pipeline/workflows/:workflow/actions/:action") { request, context in
            try await change(request, context) { caller, form, _, _ in
                let id = try context.parameters.require("workflow"), actionID = try context.parameters.require("action")
                let current = try await desk.workflows.get(id: id, by: caller)
                guard let stored = current.action(actionID) else { throw HelpDeskError.notFound("Workflow \(id) has no action \(actionID).") }
                var edited = stored
                for name in stored.fields.keys.sorted() + Self.fieldNames(of: stored.kind) where form["field:\(name)"] != nil {
                    edited.fields[name] = form["field:\(name)"]
                }
                if stored.kind == .branch, let property = form["field:criterion.property"] {
                    edited.criteria = [Self.criterion(property: property, operator: form["field:criterion.operator"], value: form["field:criterion.value"])]
                }
                _ = try await desk.workflows.editAction(workflowID: id, actionID: actionID, edited, by: caller)
                return "action-\(id)-\(actionID)"
            }
        }
        router.post("settings/automation/:type/:pipeline/workflows/:workflow/actions/:action/delete") { request, context in
            try await change(request, context) { caller, form, _, _ in
                let id = try context.parameters.require("workflow")
                _ = try await desk.workflows.deleteAction(workflowID: id, actionID: try context.parameters.require("action"),
                                                          withFollowing: form["following"] == "1", by: caller)
                return "workflow-\(id)"
            }
        }
        router.post("settings/automation/:type/:pipeline/workflows/:workflow/actions/:action/comments") { request, context in
            try await change(request, context) { caller, form, _, _ in
                let actionID = try context.parameters.require("action")
                let id = try context.parameters.require("workflow")
                _ = try await desk.workflows.comment(workflowID: id, actionID: actionID, text: form["text"] ?? "", by: caller)
                return "action-\(id)-\(actionID)"
            }
        }
        router.post("settings/automation/:type/:pipeline/templates") { request, context in
            try await change(request, context) { caller, form, _, _ in
                _ = try await desk.workflows.saveEmailTemplate(id: nil, name: form["name"] ?? "", subject: form["subject"] ?? "",
                                                               body: form["body"] ?? "", transactional: form["transactional"] == "1", by: caller)
                return "templates"
            }
        }
        router.post("settings/automation/:type/:pipeline/templates/:template") { request, context in
            try await change(request, context) { caller, form, _, _ in
                let id = try context.parameters.require("template")
                _ = try await desk.workflows.saveEmailTemplate(id: id, name: form["name"] ?? "", subject: form["subject"] ?? "",
                                                               body: form["body"] ?? "", transactional: form["transactional"] == "1", by: caller)
                return "template-\(id)"
            }
        }
        router.post("settings/automation/:type/:pipeline/templates/:template/delete") { request, context in
            try await change(request, context) { caller, _, _, _ in
                try await desk.workflows.deleteEmailTemplate(id: try context.parameters.require("template"), by: caller)
                return "templates"
            }
        }
        router.post("settings/automation/:type/:pipeline/workflows/:workflow") { request, context in
            try await change(request, context) { caller, form, _, _ in
                let id = try context.parameters.require("workflow")
                let enabled = form["enabled"] == "1"
                let criterion = form["property"].flatMap { $0.isEmpty ? nil : Self.criterion(property: $0, operator: form["operator"], value: form["value"]) }
                let removing = form["remove"].flatMap(Int.init)
                _ = try await desk.workflows.update(id: id, by: caller) { stored in
                    var changed = stored
                    if form["enabled"] != nil { changed.enabled = enabled }
                    if let criterion { changed.criteria.append(criterion) }
                    if let removing, changed.criteria.indices.contains(removing) { changed.criteria.remove(at: removing) }
                    return changed
                }
                return "workflow-\(id)"
            }
        }
    }

    /// The workflow of a stage: the first one started by entering it.
    func stageWorkflow(type: String, pipeline: String, stage: String, by caller: Caller) async throws -> Workflow? {
        try await desk.workflows.list(objectType: type, by: caller).first { $0.pipelineID == pipeline && $0.trigger == .stageEntered(stage) }
    }

    /// W1: a switch is a workflow of one action that sets the status; switching it off switches
    /// the workflow off, and other actions added to it stay.
    func setSwitch(_ form: [String: String], type: String, pipeline: String, by caller: Caller) async throws -> String {
        guard let trigger = WorkflowTrigger(key: form["trigger"] ?? ""), trigger.isStatusFromEmail else {
            throw HelpDeskError.badRequest("The switch is EMAIL_SENT or CUSTOMER_REPLIED.")
        }
        let status = form["status"] ?? ""
        let on = form["on:\(trigger.key)"] == "1"
        let setting = WorkflowAction(id: "status", kind: .setProperty, fields: ["property": "hs_pipeline_stage", "value": status])
        if let existing = try await desk.workflows.list(objectType: type, by: caller).first(where: { $0.pipelineID == pipeline && $0.trigger == trigger }) {
            _ = try await desk.workflows.update(id: existing.id, by: caller) { stored in
                var changed = stored
                changed.enabled = on
                if let index = changed.actions.firstIndex(where: { $0.kind == .setProperty && $0["property"] == "hs_pipeline_stage" }) {
                    changed.actions[index].fields["value"] = status
                } else {
                    changed.actions.insert(setting, at: 0)
                }
                return changed
            }
        } else {
            _ = try await desk.workflows.create(Workflow(
                id: "", objectType: ObjectType.tickets.id, pipelineID: pipeline, trigger: trigger,
                name: trigger == .emailSent ? "Status when an email is sent to a customer" : "Status when a customer replies",
                enabled: on, actions: [setting]), by: caller)
        }
        return "status-from-email"
    }

    /// The fields a kind of action takes from the add form, by name.
    static func fieldNames(of kind: WorkflowAction.Kind) -> [String] {
        switch kind {
        case .notify: ["users", "teams", "owner", "subject", "body"]
        case .emailContact: ["template"]
        case .createTask: ["title", "dueInDays", "owner", "notes"]
        case .delay: ["minutes", "weekday", "time", "timeZone"]
        case .branch: []
        case .setProperty: ["property", "value"]
        case .assignOwner: ["users", "teams", "distribution"]
        case .createRecord: ["objectType", "properties"]
        case .associateRecord: ["objectType", "matchProperty", "property"]
        case .webhook: ["url", "secret"]
        }
    }

    /// An action as the add form wrote it: its kind's fields are named `<KIND>:<field>`; boxes are
    /// `<KIND>:<field>@<stage>` and people picked in them `<KIND>:users:<id>@<stage>` (each name
    /// once on the page, so that each stage's boxes are a group of their own).
    static func action(from form: [String: String], kind raw: String) throws -> WorkflowAction {
        guard let kind = WorkflowAction.Kind(rawValue: raw) else {
            throw HelpDeskError.badRequest("Choose what the action does.")
        }
        var fields: [String: String] = [:]
        // The stage a box's name ends with is only there to keep names apart.
        let named = Dictionary(form.map { key, value in (String(key.split(separator: "@", maxSplits: 1).first ?? ""), value) }) { a, _ in a }
        for name in fieldNames(of: kind) {
            if let value = named["\(raw):\(name)"], !value.isEmpty { fields[name] = value }
            let picked = named.keys.filter { $0.hasPrefix("\(raw):\(name):") }.map { String($0.dropFirst("\(raw):\(name):".count)) }.sorted()
            if !picked.isEmpty { fields[name] = picked.joined(separator: ",") }
        }
        var action = WorkflowAction(id: "", kind: kind, fields: fields)
        if kind == .branch {
            action.criteria = [criterion(property: form["BRANCH:property"] ?? "", operator: form["BRANCH:operator"], value: form["BRANCH:value"])]
        }
        return action
    }

    static func criterion(property: String, operator raw: String?, value: String?) -> SearchRequest.Filter {
        let op = SearchRequest.Operator(rawValue: raw ?? "") ?? .eq
        let text = (value ?? "").trimmingCharacters(in: .whitespaces)
        switch op {
        case .in, .notIn:
            return .init(propertyName: property, operator: op, values: text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        case .hasProperty, .notHasProperty:
            return .init(propertyName: property, operator: op)
        default:
            return .init(propertyName: property, operator: op, value: text)
        }
    }

    /// `end`, `after:<id>`, `then:<branch>` or `otherwise:<branch>`.
    static func place(_ raw: String?) -> ActionPlace {
        let parts = (raw ?? "end").split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .end }
        switch parts[0] {
        case "after": return .after(parts[1])
        case "then": return .firstIn(branch: parts[1], then: true)
        case "otherwise": return .firstIn(branch: parts[1], then: false)
        default: return .end
        }
    }

    /// A change from a form of the page: checked against the CSRF token, then back to the page at
    /// what `body` names (303), or the page again with the refusal.
    func change(_ request: Request, _ context: HelpDeskRequestContext,
                _ body: (Caller, [String: String], String, String) async throws -> String) async throws -> Response {
        let form = try await AccountRoutes.form(request)
        return try await WorkspacePage.signedIn(context) { caller, csrf in
            let type = try context.parameters.require("type"), pipeline = try context.parameters.require("pipeline")
            let base = "/settings/automation/\(type)/\(pipeline)"
            guard form["csrf"] == csrf else { return SettingsRoutes.stale(back: (base, "Back to the automation")) }
            do {
                let anchor = try await body(caller, form, type, pipeline)
                return WorkspacePage.redirect(to: base + "#" + anchor)
            } catch let error as HelpDeskError {
                if case .forbidden = error { return WorkspacePage.refusal(error) }
                return try await page(type: type, pipelineID: pipeline, caller: caller, csrf: csrf, error: error.message,
                                      status: AccountRoutes.status(of: error))
            }
        }
    }

    func page(type: String, pipelineID: String, caller: Caller, csrf: String, dryRun: (String, String)? = nil, error: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let schema = try await desk.recordSchema(type)
        guard let pipeline = schema.pipeline(pipelineID) else {
            throw HelpDeskError.notFound("Pipeline \"\(pipelineID)\" does not exist for \(schema.type.name).")
        }
        let workflows = try await desk.workflows.list(objectType: schema.type.id, by: caller).filter { $0.pipelineID == pipeline.id }
        let canChange = Access.allows(caller.user, .configureAutomation)
        let users = try await desk.people.users().filter { !$0.archived }
        let teams = try await desk.people.teams()
        let templates = try await desk.workflows.emailTemplates(by: caller)
        let names = Dictionary(users.map { ($0.id, $0.displayName ?? $0.email) }) { first, _ in first }
        let teamNames = Dictionary(teams.map { ($0.id, $0.name) }) { first, _ in first }
        let describe = ActionSummary(schema: schema, users: names, teams: teamNames, templates: templates, pipeline: pipeline)

        let base = "/settings/automation/\(schema.type.name)/\(pipeline.id)"
        var switches: [Switch] = []
        if schema.type.isTicket {
            for (trigger, title, hint) in [
                (WorkflowTrigger.emailSent, "When an email is sent to a customer",
                 "From the ticket, by a user. A reply sent with its own status keeps it (R5)."),
                (.customerReplied, "When a customer replies",
                 "In the thread the ticket was created from; once closed and reopened, in any. Never forwards, automatic replies or users' own mail."),
            ] {
                let flow = workflows.first { $0.trigger == trigger }
                let current = flow?.actions.first { $0.kind == .setProperty && $0["property"] == "hs_pipeline_stage" }?["value"]
                switches.append(Switch(trigger: trigger.key, title: title, hint: hint, on: flow?.enabled ?? false,
                                       statuses: pipeline.activeStages.map { Option(value: $0.id, label: $0.label, selected: $0.id == current) },
                                       workflowID: flow?.id, key: trigger.key.lowercased(),
                                       actions: flow.map { describe.rows($0.actions, depth: 0) } ?? [],
                                       places: [Option(value: "end", label: "At the end", selected: true)] + (flow.map { describe.places($0.actions) } ?? []),
                                       addAction: flow.map { "\(base)/workflows/\($0.id)/actions" } ?? ""))
            }
        }
        let stages = pipeline.activeStages.map { stage -> StageView in
            let flow = workflows.first { $0.trigger == .stageEntered(stage.id) }
            return StageView(
                stageID: stage.id, key: "stage-\(stage.id)", addAction: "\(base)/stages/\(stage.id)/actions", label: stage.label, workflowID: flow?.id, enabled: flow?.enabled ?? false,
                criteria: (flow?.criteria ?? []).enumerated().map { Option(value: String($0.offset), label: describe.criterion($0.element)) },
                actions: flow.map { describe.rows($0.actions, depth: 0) } ?? [],
                places: [Option(value: "end", label: "At the end", selected: true)] + (flow.map { describe.places($0.actions) } ?? []),
                hasCriteria: !(flow?.criteria.isEmpty ?? true))
        }
        var runs: [RunView] = []
        for flow in workflows {
            for run in try await desk.workflows.runs(workflowID: flow.id, limit: 20, by: caller) {
                runs.append(RunView(
                    id: run.id, recordID: run.recordID, recordLink: schema.type.isTicket ? "/tickets/\(run.recordID)" : nil, workflow: flow.name,
                    status: run.status.rawValue.lowercased().capitalized, startedISO: run.startedAt.isoString, reason: run.reason,
                    steps: run.steps.map { "\($0.actionID) \($0.kind.title): \($0.detail)" }))
            }
        }
        runs.sort { Int($0.id) ?? 0 > Int($1.id) ?? 0 }
        var dry: DryRunView?
        if let (workflowID, recordID) = dryRun, !recordID.isEmpty {
            let result = try await desk.workflows.dryRun(workflowID: workflowID, recordID: recordID, by: caller)
            dry = DryRunView(workflow: workflows.first { $0.id == workflowID }?.name ?? workflowID, recordID: recordID, enrolls: result.enrolls,
                             reason: result.reason, steps: result.steps.map { "\($0.actionID) \($0.kind.title): \($0.outcome)" })
        }
        var links: [PipelineLink] = []
        // W4: every type whose records move through pipelines, custom ones included.
        for type in try await desk.objectTypes().sorted(by: { $0.isTicket && !$1.isTicket }) {
            let other = try await desk.recordSchema(type.id)
            guard other.usesPipelines else { continue }
            for each in other.pipelines where !each.archived {
                links.append(PipelineLink(href: "/settings/automation/\(type.name)/\(each.id)",
                                          label: type.isTicket ? each.label : "\(each.label) (\(type.pluralLabel))",
                                          current: each.id == pipeline.id && type.id == schema.type.id))
            }
        }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("automation", Page(
            title: "Automation of \(pipeline.label)", csrf: csrf, feed: desk.live.head(),
            user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil),
            pipelineName: pipeline.label, typeLabel: schema.type.pluralLabel, base: base,
            canChange: canChange, pipelines: links, switches: switches, stages: stages,
            kinds: WorkflowAction.Kind.allCases.map { Option(value: $0.rawValue, label: $0.title) },
            users: users.map { Option(value: $0.id, label: $0.displayName ?? $0.email) },
            teams: teams.map { Option(value: $0.id, label: $0.name) },
            templates: templates.map { Option(value: $0.id, label: $0.name + ($0.transactional ? " (transactional)" : " (marketing)")) },
            emailTemplates: templates.map { TemplateView(id: $0.id, name: $0.name, subject: $0.subject, body: $0.body,
                                                         transactional: $0.transactional, builtIn: $0.builtIn) },
            properties: schema.properties.values.filter { !$0.readOnlyValue }.sorted { $0.label < $1.label }.map { Option(value: $0.name, label: $0.label) },
            operators: ActionSummary.operators.map { Option(value: $0.0.rawValue, label: $0.1) },
            distributions: Distribution.allCases.map { Option(value: $0.rawValue, label: $0.title.prefix(1).uppercased() + $0.title.dropFirst()) },
            workflows: workflows.map { Option(value: $0.id, label: $0.name, selected: $0.id == dryRun?.0) },
            runs: Array(runs.prefix(30)), dryRun: dry, error: error, hasSwitches: !switches.isEmpty, hasRuns: !runs.isEmpty),
            status: status)
    }
}
