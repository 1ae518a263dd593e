import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The column beside a ticket's thread (R7): its owner, with why routing chose them, team, status
/// and the properties the user chose, each with an input that fits its type; the contacts,
/// companies and deals linked to it, added and removed there; and its activity timeline.
struct TicketSide {
    let desk: HelpDesk

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    /// One property's input; exactly one of the kinds is true.
    struct Field {
        var name: String
        var label: String
        var value: String
        var text = false
        var textarea = false
        var number = false
        var date = false
        var datetime = false
        var select = false
        var checkboxes = false
        var options: [Option] = []
        /// Whether the form must have a value (the New ticket form's choice, P5).
        var required = false
        /// What a select's empty choice says on the New ticket form.
        var none = "—"
    }

    struct Linked {
        var id: String
        var name: String
    }

    struct LinkGroup {
        var type: String
        var title: String
        var singular: String
        var placeholder: String
        var records: [Linked]
        var empty: Bool
    }

    struct Activity {
        var text: String
        var atISO: String
    }

    struct Choice {
        var name: String
        var label: String
        var checked: Bool
    }

    /// Why routing gave the ticket its owner, or none (A3-A7).
    struct RoutingNote {
        var title: String
        var sentence: String
    }

    /// C8: a chat visitor on the ticket who is no contact yet.
    struct VisitorLink {
        var conversation: String
        var address: String
    }

    struct View {
        var fields: [Field]
        /// The names of the properties on the form, so that an unticked checkbox reads as cleared.
        var shown: String
        var teams: [Option]
        var links: [LinkGroup]
        var activity: [Activity]
        var choices: [Choice]
        var visitor: VisitorLink?
        /// Why routing gave the ticket its owner, while the owner is still the one it chose.
        var routing: RoutingNote?
        /// The workflows' runs on the ticket, newest first, each action with its result.
        var automation: [AutomationRun]
        /// The tasks linked to the ticket, by due date (W2).
        var tasks: [TaskRow]
        var hasTasks: Bool
    }

    struct TaskRow {
        var id: String
        var title: String
        var dueISO: String?
        var status: String
        var owner: String?
        var done: Bool
    }

    struct AutomationRun {
        var id: String
        var title: String
        var startedISO: String
        var steps: [String]
    }

    /// The linked types shown, with how one is found to be added.
    static let linkedTypes: [(type: ObjectType, title: String, singular: String, placeholder: String)] = [
        (.contacts, "Contacts", "contact", "Email address"),
        (.companies, "Companies", "company", "Company name"),
        (.deals, "Deals", "deal", "Deal name"),
    ]

    /// The properties the caller shows beside the thread, for reading the ticket with them.
    func shownProperties(tickets: RecordSchema, by caller: Caller) async throws -> [PropertyDefinition] {
        SideColumn.properties(chosen: try await desk.userSettings.sideColumn(by: caller), in: tickets)
    }

    func view(of record: Record, shown: [PropertyDefinition], tickets: RecordSchema, people: [String: String], teams: [Team],
              conversations: [Conversation], by caller: Caller) async throws -> View {
        let team = record.properties["hubspot_team_id"]
        var links: [LinkGroup] = []
        for linked in Self.linkedTypes where Access.allows(caller.user, .readRecords(linked.type)) {
            let found = try await desk.associations.list(ObjectType.tickets.name, record.id, toType: linked.type.name, after: nil,
                                                         limit: 20, by: caller).associations
            let records = try await desk.records.read(type: linked.type.name, ids: found.map(\.toObjectID),
                                                      options: ReadOptions(properties: Self.nameProperties(of: linked.type)), by: caller)
            let named = records.map { Linked(id: $0.record.id, name: Self.name(of: $0.record, type: linked.type)) }
            links.append(LinkGroup(type: linked.type.name, title: linked.title, singular: linked.singular, placeholder: linked.placeholder,
                                   records: named, empty: named.isEmpty))
        }
        let teamNames = Dictionary(teams.map { ($0.id, $0.name) }) { first, _ in first }
        let events = try await desk.records.timeline(type: ObjectType.tickets.name, id: record.id, limit: 50, by: caller)
        let chosen = Set(shown.map(\.name))
        let owner = record.properties[Record.ownerProperty].flatMap { $0.isEmpty ? nil : $0 }
        let routed = try await desk.routing.explanation(ticketID: record.id, by: caller)
        let workflowNames = Dictionary(try await desk.workflows.list(objectType: ObjectType.tickets.name, by: caller).map { ($0.id, $0.name) }) { a, _ in a }
        let runs = try await desk.workflows.runs(recordID: record.id, limit: 10, by: caller)
        var tasks: [TaskRow] = []
        if Access.allows(caller.user, .readRecords(.tasks)) {
            let linked = try await desk.associations.list(ObjectType.tickets.name, record.id, toType: ObjectType.tasks.name, after: nil,
                                                          limit: 50, by: caller).associations
            let statuses = try await desk.recordSchema(ObjectType.tasks.name).properties["hs_task_status"]?.options ?? []
            tasks = try await desk.records.read(type: ObjectType.tasks.name, ids: linked.map(\.toObjectID), options: ReadOptions(
                properties: ["hs_task_subject", "hs_timestamp", "hs_task_status", Record.ownerProperty]), by: caller).map { view in
                let properties = view.record.properties
                let status = properties["hs_task_status"] ?? ""
                return TaskRow(id: view.record.id, title: properties["hs_task_subject"] ?? "", dueISO: properties["hs_timestamp"],
                               status: statuses.first { $0.value == status }?.label ?? status,
                               owner: properties[Record.ownerProperty].flatMap { people[$0] }, done: status == "COMPLETED")
            }.sorted { ($0.dueISO ?? "", $0.id) < ($1.dueISO ?? "", $1.id) }
        }
        return View(
            fields: shown.map { Self.field($0, value: record.properties[$0.name] ?? "") },
            shown: shown.map(\.name).joined(separator: ","),
            teams: teams.map { Option(value: $0.id, label: $0.name, selected: $0.id == team) },
            links: links,
            activity: events.compactMap { event in
                ActivityLine.describe(event, schema: tickets, people: people, teams: teamNames)
                    .map { Activity(text: $0, atISO: event.occurredAt.isoString) }
            },
            choices: SideColumn.choices(in: tickets).map { Choice(name: $0.name, label: $0.label, checked: chosen.contains($0.name)) },
            visitor: conversations.first { $0.contactID == nil && Visitor.id(ofAddress: $0.customerAddress) != nil }
                .map { VisitorLink(conversation: $0.id, address: $0.customerAddress) },
            // Once someone reassigns the ticket, routing's reason no longer explains its owner.
            routing: routed.flatMap { routed in
                routed.decision.ownerID != owner ? nil : RoutingNote(title: owner == nil ? "Why unassigned" : "Why this owner", sentence: routed.sentence)
            },
            automation: runs.map { run in
                AutomationRun(id: run.id, title: "\(workflowNames[run.workflowID] ?? "A deleted workflow"): \(run.status.rawValue.lowercased())"
                                  + (run.reason.map { ". \($0)" } ?? ""),
                              startedISO: run.startedAt.isoString,
                              steps: run.steps.map { "\($0.kind.title): \($0.detail)" })
            },
            tasks: tasks, hasTasks: !tasks.isEmpty)
    }

    static func field(_ definition: PropertyDefinition, value: String) -> Field {
        var field = Field(name: definition.name, label: definition.label, value: value)
        switch definition.type {
        case .enumeration where definition.isMultiValued:
            let values = Set(value.split(separator: ";").map(String.init))
            field.checkboxes = true
            field.options = visibleOptions(definition).map { Option(value: $0.value, label: $0.label, selected: values.contains($0.value)) }
        case .enumeration:
            field.select = true
            field.options = visibleOptions(definition).map { Option(value: $0.value, label: $0.label, selected: $0.value == value) }
        case .bool:
            field.select = true
            field.options = [Option(value: "true", label: "Yes", selected: value == "true"),
                             Option(value: "false", label: "No", selected: value == "false")]
        case .number: field.number = true
        case .date: field.date = true
        case .datetime:
            field.datetime = true
            // The input takes minutes, without the seconds and the zone of the stored form.
            field.value = String(value.prefix(16))
        case .string: if definition.fieldType == "textarea" { field.textarea = true } else { field.text = true }
        }
        return field
    }

    static func visibleOptions(_ definition: PropertyDefinition) -> [PropertyDefinition.Option] {
        definition.options.filter { !$0.hidden }.sorted { ($0.displayOrder, $0.label) < ($1.displayOrder, $1.label) }
    }

    static func nameProperties(of type: ObjectType) -> [String] {
        type == .contacts ? ["firstname", "lastname", "email"] : [type.primaryDisplayProperty]
    }

    static func name(of record: Record, type: ObjectType) -> String {
        let properties = record.properties
        if type == .contacts {
            let name = [properties["firstname"], properties["lastname"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            let email = properties["email"] ?? ""
            return name.isEmpty ? (email.isEmpty ? "Contact \(record.id)" : email) : email.isEmpty ? name : "\(name) <\(email)>"
        }
        return properties[type.primaryDisplayProperty].flatMap { $0.isEmpty ? nil : $0 } ?? "\(type.singularLabel) \(record.id)"
    }

    /// The changes the side column's form makes: owner, team, status, and each property shown
    /// whose value differs from the ticket's.
    func changes(from form: SubmittedForm, ticketID: String, by caller: Caller) async throws -> [String: String] {
        var properties: [String: String] = [:]
        if let owner = form["owner"] { properties[Record.ownerProperty] = owner }
        if let team = form["team"] { properties["hubspot_team_id"] = team }
        if let status = form["status"], !status.isEmpty { properties["hs_pipeline_stage"] = status }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let shown = (form["shown"] ?? "").split(separator: ",").map(String.init).compactMap { tickets.properties[$0] }
            .filter { !$0.readOnlyValue && !SideColumn.alwaysShown.contains($0.name) }
        guard !shown.isEmpty else { return properties }
        let current = try await desk.records.read(type: ObjectType.tickets.name, ids: [ticketID],
                                                  options: ReadOptions(properties: shown.map(\.name)), by: caller).first?.record.properties ?? [:]
        for definition in shown {
            let given = definition.isMultiValued ? form.all("p.\(definition.name)").joined(separator: ";") : form["p.\(definition.name)"] ?? ""
            let stored = current[definition.name] ?? ""
            let unchanged = definition.type == .datetime ? given == String(stored.prefix(16)) : given == stored
            if !unchanged { properties[definition.name] = given }
        }
        return properties
    }

    /// Links a record to the ticket: a contact by its email address (made if there is none yet),
    /// a company or deal by its name.
    func link(type reference: String, query: String, ticketID: String, by caller: Caller) async throws {
        guard let linked = Self.linkedTypes.first(where: { $0.type.name == reference }) else {
            throw HelpDeskError.badRequest("Only contacts, companies and deals are linked here.")
        }
        let query = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw HelpDeskError.badRequest("Give the \(linked.singular)'s \(linked.placeholder.lowercased()).") }
        let type = linked.type
        let id: String
        if type == .contacts {
            let email = Channel.normalizedAddress(query)
            guard Channel.isValidEmailAddress(email) else { throw HelpDeskError.badRequest("\"\(query)\" is not an email address.") }
            id = try await desk.records.contact(email: email, by: caller)
        } else {
            let search = SearchRequest(query: query, properties: [type.primaryDisplayProperty], limit: 20)
            let found = try await desk.records.search(type: type.name, search, by: caller).views.map(\.record)
            let exact = found.filter { ($0.properties[type.primaryDisplayProperty] ?? "").lowercased() == query.lowercased() }
            guard let match = exact.count == 1 ? exact.first : found.count == 1 ? found.first : nil else {
                throw HelpDeskError.badRequest(found.isEmpty ? "No \(linked.singular) is named \"\(query)\"."
                    : "\(found.count) \(linked.title.lowercased()) match \"\(query)\"; give the full name.")
            }
            id = match.id
        }
        _ = try await desk.associations.associate(ObjectType.tickets.name, ticketID, with: type.name, id, by: caller)
    }
}
