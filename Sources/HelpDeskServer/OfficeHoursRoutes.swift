import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The office hours and holidays of the help desk and of each team (A6), for those who manage
/// users: agents who follow office hours are at work only while their primary team's (else the
/// help desk's) are open. A team left without hours follows the help desk's.
struct OfficeHoursRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    /// One office's form: the help desk's (no team) or a team's.
    struct Office {
        var action: String
        var prefix: String
        var title: String
        var timeZone: String
        var days: [ChannelSettingsFields.Day]
        var holidays: String
        var hint: String
        var refusal: String?
        var notice: String?
    }

    struct Page {
        var title = "Office hours"
        var atUsers = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var offices: [Office]
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/office-hours") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in try await page(caller: caller, csrf: csrf) }
        }
        router.post("settings/office-hours") { request, context in
            try await save(request, context, teamID: nil)
        }
        router.post("settings/office-hours/:team") { request, context in
            try await save(request, context, teamID: try context.parameters.require("team"))
        }
    }

    func save(_ request: Request, _ context: HelpDeskRequestContext, teamID: String?) async throws -> Response {
        try await WorkspacePage.submitted(request, context, back: ("/settings/office-hours", "Back to office hours")) { caller, csrf, form in
            let prefix = teamID.map { "team-\($0)" } ?? "help-desk"
            do {
                try await desk.routing.setOfficeHours(try Self.read(form), teamID: teamID, by: caller)
                return try await page(caller: caller, csrf: csrf, result: (prefix, nil, "Saved."))
            } catch let error as HelpDeskError {
                if case .forbidden = error { return WorkspacePage.refusal(error) }
                return try await page(caller: caller, csrf: csrf, result: (prefix, form, error.message), status: AccountRoutes.status(of: error))
            }
        }
    }

    /// What a form sent: no hours and no holidays remove the office's hours.
    static func read(_ form: SubmittedForm) throws(HelpDeskError) -> OfficeHours? {
        let ranges = ChannelSettingsFields.ranges(form)
        let holidays = (form["holidays"] ?? "").split { $0 == "," || $0 == "\n" || $0 == "\r" || $0 == " " }.map(String.init)
        guard !ranges.isEmpty || !holidays.isEmpty else { return nil }
        let zone = (form["timeZone"] ?? "").trimmingCharacters(in: .whitespaces)
        let hours: OpeningHours
        do {
            hours = try OpeningHours(timeZone: zone.isEmpty ? "UTC" : zone, byName: ranges)
        } catch {
            throw .badRequest(error.description)
        }
        do {
            return try OfficeHours(hours: hours, holidays: holidays)
        } catch {
            throw .badRequest(error.description)
        }
    }

    /// `result`: the form just sent (its prefix), what it sent when refused, and what to say.
    func page(caller: Caller, csrf: String, result: (prefix: String, sent: SubmittedForm?, message: String)? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        guard Access.allows(caller.user, .manageUsers) else {
            return WorkspacePage.message(status: .forbidden, title: "Not allowed", message: "Office hours are set by those who manage users.")
        }
        let office = try await desk.routing.officeHours(by: caller)
        func form(_ action: String, _ prefix: String, _ title: String, _ stored: OfficeHours?, hint: String) -> Office {
            let mine = result?.prefix == prefix
            let sent = mine ? result?.sent : nil
            return Office(action: action, prefix: prefix, title: title,
                          timeZone: sent?["timeZone"] ?? stored?.hours.timeZone ?? "UTC",
                          days: ChannelSettingsFields.days(stored: stored?.hours, sent: sent),
                          holidays: sent?["holidays"] ?? stored?.holidays.joined(separator: ", ") ?? "",
                          hint: hint, refusal: mine && sent != nil ? result?.message : nil, notice: mine && sent == nil ? result?.message : nil)
        }
        var offices = [form("/settings/office-hours", "help-desk", "The help desk", office.helpDesk,
                            hint: "Agents who follow office hours and whose primary team has none of its own work these hours.")]
        for team in try await desk.people.teams().sorted(by: { $0.name.lowercased() < $1.name.lowercased() }) {
            offices.append(form("/settings/office-hours/\(team.id)", "team-\(team.id)", team.name, office.teams[team.id],
                                hint: "Left empty, the team follows the help desk's hours."))
        }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("office-hours", Page(
            csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), offices: offices), status: status)
    }
}
