import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// A ticket made by hand (P5): a name, a pipeline and a status of it (the pipeline's first open
/// one by default), and optionally its priority, owner and description. The agent then writes to
/// the customer from the ticket's page, which starts its first conversation.
struct NewTicketRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    struct Page {
        var title = "New ticket"
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var subject: String
        var description: String
        var statuses: [WorkspaceRoutes.OwnerOption]
        var priorities: [WorkspaceRoutes.OwnerOption]
        var owners: [WorkspaceRoutes.OwnerOption]
        var notice: String?
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("tickets/new") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(caller: caller, csrf: csrf, form: nil)
            }
        }
        router.post("tickets/new") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, csrf, form in
                var properties = ["subject": form["subject"] ?? "", "content": form["description"] ?? "",
                                  "hs_ticket_priority": form["priority"] ?? "", Record.ownerProperty: form["owner"] ?? ""]
                let place = (form["status"] ?? "").split(separator: ":", maxSplits: 1).map(String.init)
                if place.count == 2 {
                    properties["hs_pipeline"] = place[0]
                    properties["hs_pipeline_stage"] = place[1]
                }
                properties = properties.filter { !$0.value.isEmpty }
                do {
                    guard let ticket = try await desk.records.create(type: ObjectType.tickets.name, [RecordInput(properties: properties)],
                                                                     by: caller).first else {
                        throw HelpDeskError.unavailable("The ticket was made but could not be read back; find it in All open.")
                    }
                    return WorkspacePage.redirect(to: "/tickets/\(ticket.id)#reply")
                } catch let error as HelpDeskError {
                    return try await page(caller: caller, csrf: csrf, form: form, notice: error.message, status: AccountRoutes.status(of: error))
                }
            }
        }
    }

    func page(caller: Caller, csrf: String, form: SubmittedForm?, notice: String? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response {
        do {
            try Access.check(caller.user, may: .writeRecords(.tickets))
        } catch {
            throw HelpDeskError.forbidden(error)
        }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let pipelines = tickets.pipelines.filter { !$0.archived }.sorted { ($0.displayOrder, $0.id) < ($1.displayOrder, $1.id) }
        let chosenStatus = form?["status"] ?? pipelines.first.flatMap { pipeline in pipeline.firstOpenStage.map { "\(pipeline.id):\($0.id)" } }
        let statuses = pipelines.flatMap { pipeline in
            pipeline.activeStages.map { stage in
                WorkspaceRoutes.OwnerOption(id: "\(pipeline.id):\(stage.id)",
                                            name: pipelines.count > 1 ? "\(pipeline.label): \(stage.label)" : stage.label,
                                            selected: "\(pipeline.id):\(stage.id)" == chosenStatus)
            }
        }
        let priority = form?["priority"] ?? ""
        let priorities = (tickets.properties["hs_ticket_priority"]?.options ?? []).filter { !$0.hidden }
            .map { WorkspaceRoutes.OwnerOption(id: $0.value, name: $0.label, selected: $0.value == priority) }
        var owners = try await workspace.assignable(current: nil)
        let owner = form?["owner"] ?? caller.user.id
        for index in owners.indices { owners[index].selected = owners[index].id == owner }
        return WorkspacePage.render("new-ticket", Page(
            csrf: csrf, feed: desk.live.head(), user: WorkspaceRoutes.UserView(caller.user),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil),
            subject: form?["subject"] ?? "", description: form?["description"] ?? "", statuses: statuses, priorities: priorities,
            owners: owners, notice: notice), status: status)
    }
}
