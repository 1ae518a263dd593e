import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// A ticket made by hand (P5): a name, a pipeline and a status of it (the pipeline's first open
/// one by default), and the properties an admin put on the New ticket form, each with an input
/// that fits its type, some perhaps required. The agent then writes to the customer from the
/// ticket's page, which starts its first conversation.
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
        var statuses: [WorkspaceRoutes.OwnerOption]
        var fields: [TicketSide.Field]
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
                do {
                    let ticket = try await desk.newTicketForm.createTicket(try await properties(from: form, by: caller), by: caller)
                    return WorkspacePage.redirect(to: "/tickets/\(ticket.id)#reply")
                } catch let error as HelpDeskError {
                    return try await page(caller: caller, csrf: csrf, form: form, notice: error.message, status: AccountRoutes.status(of: error))
                }
            }
        }
    }

    /// The ticket's values as the form sent them: name, pipeline and status, and the properties
    /// the form shows (a multiple choice's ticked values joined with `;`); empty ones left out.
    func properties(from form: SubmittedForm, by caller: Caller) async throws -> [String: String] {
        var properties = ["subject": form["subject"] ?? ""]
        let place = (form["status"] ?? "").split(separator: ":", maxSplits: 1).map(String.init)
        if place.count == 2 {
            properties["hs_pipeline"] = place[0]
            properties["hs_pipeline_stage"] = place[1]
        }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        for (definition, _) in try await desk.newTicketForm.current(by: caller).shown(in: tickets) {
            properties[definition.name] = definition.isMultiValued
                ? form.all("p.\(definition.name)").joined(separator: ";") : form["p.\(definition.name)"] ?? ""
        }
        return properties.filter { !$0.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
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
        var fields: [TicketSide.Field] = []
        for (definition, required) in try await desk.newTicketForm.current(by: caller).shown(in: tickets) {
            let sent = definition.isMultiValued ? form.map { $0.all("p.\(definition.name)").joined(separator: ";") } : form?["p.\(definition.name)"]
            var field = try await self.field(definition, value: sent, by: caller)
            field.required = required
            fields.append(field)
        }
        return WorkspacePage.render("new-ticket", Page(
            csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil),
            subject: form?["subject"] ?? "", statuses: statuses, fields: fields, notice: notice), status: status)
    }

    /// A property's input: owner and team choose among the users and teams, the others as beside
    /// a ticket's thread. A new ticket's owner is its maker until another is chosen.
    func field(_ definition: PropertyDefinition, value sent: String?, by caller: Caller) async throws -> TicketSide.Field {
        switch definition.name {
        case Record.ownerProperty:
            let owner = sent ?? caller.user.id
            var field = TicketSide.Field(name: definition.name, label: definition.label, value: owner, select: true, none: "Unassigned")
            field.options = try await workspace.assignable(current: nil)
                .map { TicketSide.Option(value: $0.id, label: $0.name, selected: $0.id == owner) }
            return field
        case "hubspot_team_id":
            var field = TicketSide.Field(name: definition.name, label: definition.label, value: sent ?? "", select: true, none: "No team")
            field.options = try await desk.people.teams().map { TicketSide.Option(value: $0.id, label: $0.name, selected: $0.id == sent) }
            return field
        default:
            return TicketSide.field(definition, value: sent ?? "")
        }
    }
}
