import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// Changes to several tickets at once from a list (V1): assign them, set a status, close them or
/// move them to the trash. Each change is one write: all the tickets chosen change, or none.
struct BulkRoutes {
    let desk: HelpDesk

    /// The most tickets one change takes: a page of a list.
    static let maxTickets = 100

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.post("tickets/bulk") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, _, form in
                let ids = form.all("ticket")
                let back = Self.returnPath(form["back"])
                guard !ids.isEmpty else { return WorkspacePage.redirect(to: back) }
                guard ids.count <= Self.maxTickets else {
                    return WorkspacePage.message(status: .badRequest, title: "Too many tickets",
                                                 message: "Change at most \(Self.maxTickets) tickets at once; \(ids.count) were chosen.",
                                                 link: (back, "Back to the list"))
                }
                do {
                    try await apply(form["action"] ?? "", form: form, to: ids, by: caller)
                    return WorkspacePage.redirect(to: back)
                } catch let error as HelpDeskError {
                    return WorkspacePage.message(status: AccountRoutes.status(of: error), title: "Nothing was changed",
                                                 message: error.message, link: (back, "Back to the list"))
                }
            }
        }
    }

    func apply(_ action: String, form: SubmittedForm, to ids: [String], by caller: Caller) async throws {
        let type = ObjectType.tickets.name
        switch action {
        case "assign":
            _ = try await desk.records.update(type: type, ids.map { ($0, [Record.ownerProperty: form["owner"] ?? ""]) }, by: caller)
        case "status":
            guard let status = form["status"], !status.isEmpty else { throw HelpDeskError.badRequest("Choose the status to set.") }
            _ = try await desk.records.update(type: type, ids.map { ($0, ["hs_pipeline_stage": status]) }, by: caller)
        case "close":
            let schema = try await desk.recordSchema(type)
            let found = try await desk.records.read(type: type, ids: ids, options: ReadOptions(properties: ["hs_pipeline"]), by: caller)
            var changes: [(id: String, properties: [String: String])] = []
            for view in found {
                let pipeline = view.record.properties["hs_pipeline"].flatMap { schema.pipeline($0) }
                guard let closed = pipeline?.firstClosedStage else {
                    throw HelpDeskError.conflict("Ticket \(view.record.id)'s pipeline has no closed status to close it with.")
                }
                changes.append((view.record.id, ["hs_pipeline_stage": closed.id]))
            }
            _ = try await desk.records.update(type: type, changes, by: caller)
        case "trash":
            try await desk.records.archive(type: type, ids: ids, by: caller)
        default:
            throw HelpDeskError.badRequest("Choose what to do with the tickets: assign, set a status, close or move to the trash.")
        }
    }

    /// Where to go back to: a page of the workspace, never another site.
    static func returnPath(_ value: String?) -> String {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), !value.contains("\\"), value.utf8.count < 500 else { return "/" }
        return value
    }
}
