import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The admins' settings page for ticket pipelines and their statuses (P2, P3, P4): every pipeline
/// with its statuses in order, and plain forms to add, rename, reorder, open or close and remove
/// them. Every change goes through `PipelineService`, as the API's do, so the engine's rules and
/// events apply and its refusals show on the page. Only users who may configure pipelines see it.
struct PipelineSettingsRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    // Names differ between the two levels: a status row's template reaches its pipeline's fields
    // through Mustache's context stack.
    struct StatusRow {
        var statusID: String
        var label: String
        var position: Int
        var open: Bool
        var required: String?
        var first: Bool
        var last: Bool
    }

    struct PipelineView {
        var pipelineID: String
        var name: String
        var setsCloseDate: Bool
        var statuses: [StatusRow]
        /// A refusal of a change to this pipeline, shown beside it.
        var refusal: String?
    }

    struct Page {
        var title = "Pipelines"
        /// Marks the header's settings link of this page.
        var atPipelines = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var pipelines: [PipelineView]
        var startingStatuses: String
        /// A refusal that concerns no pipeline on the page (creating one).
        var error: String?
    }

    static let path = "/settings/pipelines"

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/pipelines") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(caller: caller, csrf: csrf)
            }
        }
        router.post("settings/pipelines") { request, context in
            try await change(request, context) { caller, form in
                let tickets = try await desk.recordSchema(ObjectType.tickets.name)
                let pipeline = try await desk.pipelines.create(
                    type: ObjectType.tickets.name,
                    PipelineDraft(label: form["label"] ?? "", displayOrder: (tickets.pipelines.map(\.displayOrder).max() ?? -1) + 1,
                                  stages: Self.startingStatuses()),
                    by: caller)
                return pipeline.id
            }
        }
        router.post("settings/pipelines/:pipeline") { request, context in
            try await change(request, context) { caller, form in
                let id = try context.parameters.require("pipeline")
                // An unticked box is not sent: the switch is off.
                _ = try await desk.pipelines.update(type: ObjectType.tickets.name, id: id, label: form["label"], displayOrder: nil,
                                                    archived: nil, setsCloseDate: form["closeDate"] == "1", by: caller)
                return id
            }
        }
        router.post("settings/pipelines/:pipeline/delete") { request, context in
            try await change(request, context) { caller, _ in
                try await desk.pipelines.archive(type: ObjectType.tickets.name, id: try context.parameters.require("pipeline"), by: caller)
                return nil
            }
        }
        router.post("settings/pipelines/:pipeline/statuses") { request, context in
            try await change(request, context) { caller, form in
                let id = try context.parameters.require("pipeline")
                let pipeline = try await stored(id)
                _ = try await desk.pipelines.createStage(
                    type: ObjectType.tickets.name, pipelineID: id,
                    PipelineDraft.StageDraft(label: form["label"] ?? "", displayOrder: (pipeline.activeStages.last?.displayOrder ?? -1) + 1,
                                             metadata: ["ticketState": form["state"] ?? ""]),
                    by: caller)
                return id
            }
        }
        router.post("settings/pipelines/:pipeline/statuses/:status") { request, context in
            try await change(request, context) { caller, form in
                let id = try context.parameters.require("pipeline")
                _ = try await desk.pipelines.updateStage(
                    type: ObjectType.tickets.name, pipelineID: id, stageID: try context.parameters.require("status"),
                    label: form["label"], displayOrder: nil, metadata: form["state"].map { ["ticketState": $0] }, replace: false,
                    by: caller)
                return id
            }
        }
        router.post("settings/pipelines/:pipeline/statuses/:status/move") { request, context in
            try await change(request, context) { caller, form in
                let id = try context.parameters.require("pipeline")
                try await move(status: try context.parameters.require("status"), in: id, up: form["direction"] == "up", by: caller)
                return id
            }
        }
        router.post("settings/pipelines/:pipeline/statuses/:status/delete") { request, context in
            try await change(request, context) { caller, _ in
                let id = try context.parameters.require("pipeline")
                try await desk.pipelines.archiveStage(type: ObjectType.tickets.name, pipelineID: id,
                                                      stageID: try context.parameters.require("status"), by: caller)
                return id
            }
        }
    }

    /// A new pipeline starts with the statuses of the support pipeline a fresh install has, as in
    /// the commercial product; the admin renames or removes them from there.
    static func startingStatuses() -> [PipelineDraft.StageDraft] {
        DefaultPipelines.tickets(at: .now()).activeStages.map { stage in
            var draft = PipelineService.draft(of: stage)
            draft.id = nil
            return draft
        }
    }

    /// Swaps a status with its neighbour and numbers the pipeline's statuses again from 0, in one
    /// replacement of the pipeline: two stage updates would be two writes, and a failure between
    /// them would leave two statuses at one place.
    func move(status: String, in pipelineID: String, up: Bool, by caller: Caller) async throws {
        let pipeline = try await stored(pipelineID)
        var statuses = pipeline.activeStages
        guard let index = statuses.firstIndex(where: { $0.id == status }) else {
            throw HelpDeskError.notFound("Status \"\(status)\" does not exist in pipeline \"\(pipeline.label)\".")
        }
        let neighbour = up ? index - 1 : index + 1
        // The first cannot go up nor the last down: the page offers neither, and there is nothing to do.
        guard statuses.indices.contains(neighbour) else { return }
        statuses.swapAt(index, neighbour)
        let drafts = statuses.enumerated().map { position, stage in
            var draft = PipelineService.draft(of: stage)
            draft.displayOrder = position
            return draft
        }
        _ = try await desk.pipelines.replace(type: ObjectType.tickets.name, id: pipelineID,
                                             PipelineDraft(label: pipeline.label, displayOrder: pipeline.displayOrder, stages: drafts),
                                             by: caller)
    }

    /// A ticket pipeline as the page shows it. Read from the schema, not with `PipelineService.get`,
    /// which asks for help-desk access: an admin may configure pipelines without working tickets.
    func stored(_ id: String) async throws -> Pipeline {
        guard let pipeline = try await desk.recordSchema(ObjectType.tickets.name).pipeline(id) else {
            throw HelpDeskError.notFound("Pipeline \"\(id)\" does not exist for tickets.")
        }
        return pipeline
    }

    /// A change from a form of the page: checked against the session's CSRF token and the caller's
    /// permission, then back to the page at the pipeline `body` names (303), or the page again
    /// with the engine's refusal beside that pipeline.
    func change(_ request: Request, _ context: HelpDeskRequestContext,
                _ body: (Caller, [String: String]) async throws -> String?) async throws -> Response {
        let form = try await AccountRoutes.form(request)
        return try await WorkspacePage.signedIn(context) { caller, csrf in
            guard form["csrf"] == csrf else { return SettingsRoutes.stale(back: (Self.path, "Back to pipelines")) }
            try Self.mayConfigure(caller)
            let pipelineID = context.parameters.get("pipeline")
            do {
                let shown = try await body(caller, form)
                return WorkspacePage.redirect(to: Self.path + (shown.map { "#pipeline-\($0)" } ?? ""))
            } catch let error as HelpDeskError {
                if case .forbidden = error { return WorkspacePage.refusal(error) }
                return try await page(caller: caller, csrf: csrf, error: error.message, about: pipelineID, status: AccountRoutes.status(of: error))
            }
        }
    }

    func page(caller: Caller, csrf: String, error: String? = nil, about pipelineID: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        try Self.mayConfigure(caller)
        let feed = desk.live.head()
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let shown = tickets.pipelines.map { pipeline in
            let statuses = pipeline.activeStages
            return PipelineView(
                pipelineID: pipeline.id, name: pipeline.label, setsCloseDate: pipeline.setsCloseDate,
                statuses: statuses.enumerated().map { position, stage in
                    let required = stage.requiredProperties.map { tickets.properties[$0]?.label ?? $0 }
                    return StatusRow(statusID: stage.id, label: stage.label, position: position + 1, open: stage.ticketState != .closed,
                                     required: required.isEmpty ? nil : required.joined(separator: ", "),
                                     first: position == 0, last: position == statuses.count - 1)
                },
                refusal: pipeline.id == pipelineID ? error : nil)
        }
        let placed = shown.contains { $0.refusal != nil }
        let names = Self.startingStatuses().map(\.label)
        return WorkspacePage.render("pipelines", Page(
            csrf: csrf, feed: feed, user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), pipelines: shown,
            startingStatuses: names.dropLast().joined(separator: ", ") + " and " + (names.last ?? ""),
            error: placed ? nil : error),
            status: status)
    }

    /// The permission the API's pipeline changes require; the page is for those who have it.
    static func mayConfigure(_ caller: Caller) throws(HelpDeskError) {
        do {
            try Access.check(caller.user, may: .configurePipelines(.tickets))
        } catch {
            throw .forbidden(error)
        }
    }
}
