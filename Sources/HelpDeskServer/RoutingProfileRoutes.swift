import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// A user's routing profile (A6, A7), for those who manage users: their skills in the ticket
/// properties routing can match, how many open tickets of each work type they hold at most, and
/// the hours they work in their time zone. Saved through `RoutingService.setProfile`, which keeps
/// the status the user sets themselves in the header; a refusal shows with what was typed.
struct RoutingProfileRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    /// The skills of one property: ticked among its options, or typed for the language.
    struct SkillField {
        var name: String
        var label: String
        var typed: Bool
        var text: String
        var options: [RoutingRuleFields.Choice]
    }

    struct CapacityField {
        var type: String
        var label: String
        var value: String
    }

    struct Person {
        var id: String
        var name: String
        var status: String
        var timeZone: String
        /// A8: the number calls ring for them, as sent or kept.
        var phone: String
        /// A6: at work in their team's or the help desk's office hours rather than their own.
        var followsOfficeHours: Bool
    }

    struct Page {
        var title: String
        /// Marks the header's settings link of this page.
        var atUsers = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var person: Person
        var skills: [SkillField]
        var capacities: [CapacityField]
        var days: [ChannelSettingsFields.Day]
        var notice: String?
        var error: String?
    }

    static let capacityLabels: [(WorkType, String)] = [(.calls, "Calls"), (.messages, "Messages"), (.email, "Email and other tickets")]

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/users/:id/routing") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(userID: try context.parameters.require("id"), caller: caller, csrf: csrf)
            }
        }
        router.post("settings/users/:id/routing") { request, context in
            let id = try context.parameters.require("id")
            return try await WorkspacePage.submitted(request, context, back: ("/settings/users/\(id)/routing", "Back to the routing profile")) {
                caller, csrf, form in
                let person = try await desk.people.get(id: id, by: caller)
                do {
                    let tickets = try await desk.recordSchema(ObjectType.tickets.name)
                    _ = try await desk.routing.setProfile(try Self.read(form, tickets: tickets, timeZone: person.timeZone), userID: id, by: caller)
                    return try await page(userID: id, caller: caller, csrf: csrf, notice: "The routing profile of \(Self.name(of: person)) is saved.")
                } catch let error as HelpDeskError {
                    if case .forbidden = error { return WorkspacePage.refusal(error) }
                    return try await page(userID: id, caller: caller, csrf: csrf, refused: (error.message, form), status: AccountRoutes.status(of: error))
                }
            }
        }
    }

    func page(userID: String, caller: Caller, csrf: String, notice: String? = nil, refused: (message: String, form: SubmittedForm)? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let person = try await desk.people.get(id: userID, by: caller)
        let profile = try await desk.routing.profile(userID: userID, by: caller)
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let sent = refused?.form
        let skills = RoutingRuleFields.skillProperties(tickets).map { property in
            let held = profile.skills.filter { $0.property == property.name }.map(\.value)
            if property.name == RoutingRuleFields.languageProperty {
                return SkillField(name: property.name, label: property.label, typed: true,
                                  text: sent?["skill.\(property.name)"] ?? held.sorted().joined(separator: ", "), options: [])
            }
            let ticked = Set(sent?.all("skill.\(property.name)") ?? held)
            return SkillField(name: property.name, label: property.label, typed: false, text: "",
                              options: TicketSide.visibleOptions(property).map {
                                  RoutingRuleFields.Choice(value: $0.value, label: $0.label, checked: ticked.contains($0.value))
                              })
        }
        let name = Self.name(of: person)
        return WorkspacePage.render("routing-profile", Page(
            title: "Routing of \(name)", csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil),
            person: Person(id: person.id, name: name, status: profile.status == .available ? "Available" : "Away", timeZone: person.timeZone,
                           phone: sent?["phone"] ?? profile.phone ?? "",
                           followsOfficeHours: sent.map { $0["followsOfficeHours"] != nil } ?? profile.followsOfficeHours),
            skills: skills,
            capacities: Self.capacityLabels.map { type, label in
                CapacityField(type: type.rawValue, label: label, value: sent?["capacity.\(type.rawValue)"] ?? profile.capacity[type].map(String.init) ?? "")
            },
            days: ChannelSettingsFields.days(stored: profile.workingHours, sent: sent),
            notice: notice, error: refused?.message),
            status: status)
    }

    /// The profile a form sent: skills ticked or typed, capacities given (an empty one sets no
    /// limit), and working hours in the user's time zone (none given: any time).
    static func read(_ form: SubmittedForm, tickets: RecordSchema, timeZone: String) throws(HelpDeskError) -> RoutingProfile {
        var skills = Set<Skill>()
        for property in RoutingRuleFields.skillProperties(tickets) {
            let field = "skill.\(property.name)"
            let values = property.name == RoutingRuleFields.languageProperty
                ? (form[field] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                : form.all(field)
            for value in values where !value.isEmpty { skills.insert(Skill(property: property.name, value: value)) }
        }
        var capacity: [WorkType: Int] = [:]
        for (type, _) in capacityLabels {
            let text = (form["capacity.\(type.rawValue)"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let limit = Int(text) else { throw .badRequest("The capacity for \(type.title) must be a whole number; \"\(text)\" given.") }
            capacity[type] = limit
        }
        let ranges = ChannelSettingsFields.ranges(form)
        var hours: OpeningHours?
        if !ranges.isEmpty {
            do {
                hours = try OpeningHours(timeZone: timeZone, byName: ranges)
            } catch {
                throw .badRequest(error.description)
            }
        }
        let phone = (form["phone"] ?? "").filter { $0 != " " && $0 != "-" && $0 != "." && $0 != "(" && $0 != ")" }
        return RoutingProfile(workingHours: hours, skills: skills, capacity: capacity, phone: phone.isEmpty ? nil : phone,
                              followsOfficeHours: form["followsOfficeHours"] != nil)
    }

    static func name(of user: User) -> String {
        user.displayName ?? user.email
    }
}
