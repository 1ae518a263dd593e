import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The admins' page of properties (P1, P5): the properties of tickets, contacts and companies,
/// built-in ones to read and custom ones to add, change and archive, and for tickets the New
/// ticket form, which properties it shows and requires. Every change goes through the same
/// engine operation as the API's, so the page and the API refuse the same things; a refusal
/// shows beside the form it concerns, with what was typed.
struct PropertySettingsRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

    /// The types whose properties the page arranges.
    static let types: [ObjectType] = [.tickets, .contacts, .companies]

    /// The inputs a custom property may have, each a type with a field type the engine accepts.
    static let kinds: [(type: PropertyType, fieldType: String, label: String)] = [
        (.string, "text", "Single-line text"), (.string, "textarea", "Multi-line text"), (.number, "number", "Number"),
        (.date, "date", "Date"), (.datetime, "date", "Date and time"), (.enumeration, "select", "Dropdown select"),
        (.enumeration, "radio", "Radio select"), (.enumeration, "checkbox", "Multiple checkboxes"), (.bool, "booleancheckbox", "Yes or no"),
    ]

    struct TypeLink {
        var name: String
        var label: String
        var current: Bool
    }

    struct KindOption {
        var value: String
        var label: String
        var selected: Bool
    }

    struct OptionRow {
        /// Starts the ids of the row's inputs, unique on the page.
        var prefix: String
        var index: Int
        var label: String
        var value: String
        var removed: Bool
    }

    struct PropertyRow {
        var name: String
        var label: String
        var kind: String
        var fieldType: String
        var group: String
        var description: String
        var builtIn: Bool
        var choices: Bool
        var options: [OptionRow]
        /// A refusal of a change to this property, shown beside it with the change kept.
        var refusal: String?
    }

    struct NewProperty {
        var label: String
        var name: String
        var description: String
        var group: String
        var kinds: [KindOption]
        var options: [OptionRow]
        var refusal: String?
    }

    struct FormRow {
        var name: String
        var label: String
        var shown: Bool
        var required: Bool
    }

    struct Page {
        var title = "Properties"
        /// Marks the header's settings link of this page.
        var atProperties = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var type: String
        var singular: String
        var types: [TypeLink]
        var properties: [PropertyRow]
        var draft: NewProperty
        var groups: [String]
        /// Whether the page is the tickets', which holds the New ticket form.
        var tickets: Bool
        var ticketForm: [FormRow]
        var formRefusal: String?
        var notice: String?
        /// A refusal about something no longer on the page (a property archived meanwhile).
        var error: String?
    }

    /// What a refused change was about, to show the refusal and the values sent there.
    enum Concern: Equatable {
        case newProperty
        case property(String)
        case ticketForm
    }

    static let path = "/settings/properties"

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/properties") { request, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(type: try Self.type(request.uri.queryParameters.get("type")), caller: caller, csrf: csrf)
            }
        }
        router.post("settings/properties") { request, context in
            try await change(request, context, about: .newProperty) { caller, type, form in
                let label = (form["label"] ?? "").trimmingCharacters(in: .whitespaces)
                let given = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
                let kind = try Self.kind(form["kind"] ?? "")
                let definition = PropertyDefinition(
                    name: given.isEmpty ? PropertyRules.name(derivedFrom: label) : given, label: label, type: kind.type,
                    fieldType: kind.fieldType, groupName: Self.group(form), description: form["description"] ?? "",
                    options: kind.type == .enumeration ? Self.options(form, keeping: []) : [])
                let made = try await desk.schemas.saveProperty(definition, of: type.name, isNew: true, by: caller)
                return "\(made.definition.label) (\(made.definition.name)) is added."
            }
        }
        router.post("settings/properties/:name") { request, context in
            let name = try context.parameters.require("name")
            return try await change(request, context, about: .property(name)) { caller, type, form in
                var definition = try await desk.schemas.property(name, of: type.name, by: caller).definition
                if form["action"] == "archive" {
                    try await desk.schemas.archiveProperty(name, of: type.name, by: caller)
                    return "\(definition.label) is archived: it no longer shows on \(type.pluralLabel.lowercased()) nor in the API."
                }
                definition.label = (form["label"] ?? "").trimmingCharacters(in: .whitespaces)
                definition.description = form["description"] ?? ""
                if definition.type == .enumeration { definition.options = Self.options(form, keeping: definition.options) }
                let saved = try await desk.schemas.saveProperty(definition, of: type.name, isNew: false, by: caller)
                return "\(saved.definition.label) is saved."
            }
        }
        router.post("settings/new-ticket-form") { request, context in
            try await change(request, context, about: .ticketForm) { caller, _, form in
                // Required implies shown: a property the form requires must be on it.
                let chosen = form.all("field").filter { form["shown.\($0)"] != nil || form["required.\($0)"] != nil }
                try await desk.newTicketForm.save(NewTicketForm(fields: chosen.map { .init(name: $0, required: form["required.\($0)"] != nil) }),
                                                  by: caller)
                return "The New ticket form is saved."
            }
        }
    }

    static func type(_ name: String?) throws(HelpDeskError) -> ObjectType {
        guard let name, !name.isEmpty else { return .tickets }
        guard let type = types.first(where: { $0.name == name }) else {
            throw .notFound("This page arranges the properties of tickets, contacts and companies; \"\(name)\" is none of them.")
        }
        return type
    }

    static func kind(_ value: String) throws(HelpDeskError) -> (type: PropertyType, fieldType: String) {
        guard let kind = kinds.first(where: { "\($0.type.rawValue):\($0.fieldType)" == value }) else {
            throw .badRequest("Choose the kind of field from the list: " + kinds.map(\.label).joined(separator: ", ") + ".")
        }
        return (kind.type, kind.fieldType)
    }

    static func group(_ form: SubmittedForm) -> String {
        let group = (form["group"] ?? "").trimmingCharacters(in: .whitespaces)
        return group.isEmpty ? "information" : group
    }

    /// The option rows sent, in their order: rows ticked for removal and blank ones left out, a
    /// value left empty taken from the label, and an option kept hidden if it was.
    static func options(_ form: SubmittedForm, keeping current: [PropertyDefinition.Option]) -> [PropertyDefinition.Option] {
        optionRows(form).filter { !$0.removed && !($0.label.isEmpty && $0.value.isEmpty) }.enumerated().map { position, row in
            let value = row.value.isEmpty ? row.label : row.value
            return PropertyDefinition.Option(label: row.label.isEmpty ? value : row.label, value: value, displayOrder: position,
                                             hidden: current.first { $0.value == value }?.hidden ?? false)
        }
    }

    /// The option rows of a form as sent (`option.N.label`, `option.N.value`, and `option.N.remove.`
    /// with the row's prefix: a checkbox's name is unique on the page, or assistive technology
    /// takes the checkboxes of every property's options for one group).
    static func optionRows(_ form: SubmittedForm) -> [OptionRow] {
        let indices = Set(form.pairs.compactMap { name, _ -> Int? in
            let parts = name.split(separator: ".")
            return parts.count == 3 && parts[0] == "option" ? Int(parts[1]) : nil
        }).sorted()
        return indices.prefix(500).map { index in
            OptionRow(prefix: "", index: index, label: (form["option.\(index).label"] ?? "").trimmingCharacters(in: .whitespaces),
                      value: (form["option.\(index).value"] ?? "").trimmingCharacters(in: .whitespaces),
                      removed: form.pairs.contains { $0.0.hasPrefix("option.\(index).remove.") })
        }
    }

    /// Option rows to show: `options` but blank ones, then blank rows to add more.
    static func rows(_ options: [OptionRow], prefix: String, blank: Int = 2) -> [OptionRow] {
        let next = (options.map(\.index).max() ?? -1) + 1
        return options.filter { !($0.label.isEmpty && $0.value.isEmpty) }.map { row in
            var row = row
            row.prefix = prefix
            return row
        } + (0..<blank).map { OptionRow(prefix: prefix, index: next + $0, label: "", value: "", removed: false) }
    }

    /// A change from a form of the page: CSRF and permission checked, the type read, then the page
    /// again with `body`'s notice, or with the engine's refusal beside the form concerned.
    func change(_ request: Request, _ context: HelpDeskRequestContext, about concern: Concern,
                _ body: (Caller, ObjectType, SubmittedForm) async throws -> String) async throws -> Response {
        try await WorkspacePage.submitted(request, context, back: (Self.path, "Back to properties")) { caller, csrf, form in
            try Self.mayConfigure(caller)
            let type = try Self.type(form["type"])
            do {
                return try await page(type: type, caller: caller, csrf: csrf, notice: try await body(caller, type, form))
            } catch let error as HelpDeskError {
                if case .forbidden = error { return WorkspacePage.refusal(error) }
                return try await page(type: type, caller: caller, csrf: csrf, refused: (concern, error.message, form),
                                      status: AccountRoutes.status(of: error))
            }
        }
    }

    func page(type: ObjectType, caller: Caller, csrf: String, notice: String? = nil,
              refused: (concern: Concern, message: String, form: SubmittedForm)? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response {
        try Self.mayConfigure(caller)
        let schema = try await desk.recordSchema(type.name)
        let listed = try await desk.schemas.properties(of: type.name, by: caller).map(\.definition)
            .sorted { ($0.builtIn ? 1 : 0, $0.label.lowercased(), $0.name) < ($1.builtIn ? 1 : 0, $1.label.lowercased(), $1.name) }
        let kindLabels = Dictionary(Self.kinds.map { ("\($0.type.rawValue):\($0.fieldType)", $0.label) }) { first, _ in first }
        let rows = listed.map { definition in
            let sent = refused?.concern == .property(definition.name) ? refused?.form : nil
            let options = definition.options.enumerated().map {
                OptionRow(prefix: "", index: $0, label: $1.label, value: $1.value, removed: false)
            }
            return PropertyRow(
                name: definition.name, label: sent?["label"] ?? definition.label,
                kind: kindLabels["\(definition.type.rawValue):\(definition.fieldType)"] ?? definition.type.rawValue,
                fieldType: definition.fieldType, group: definition.groupName, description: sent?["description"] ?? definition.description,
                builtIn: definition.builtIn, choices: definition.type == .enumeration,
                options: Self.rows(sent.map { Self.optionRows($0) } ?? options, prefix: "property-\(definition.name)"),
                refusal: sent == nil ? nil : refused?.message)
        }
        let draftForm = refused?.concern == .newProperty ? refused?.form : nil
        let chosenKind = draftForm?["kind"] ?? "string:text"
        let draft = NewProperty(
            label: draftForm?["label"] ?? "", name: draftForm?["name"] ?? "", description: draftForm?["description"] ?? "",
            group: draftForm?["group"] ?? "",
            kinds: Self.kinds.map { kind in
                let value = "\(kind.type.rawValue):\(kind.fieldType)"
                return KindOption(value: value, label: kind.label, selected: value == chosenKind)
            },
            options: Self.rows(draftForm.map { Self.optionRows($0) } ?? [], prefix: "new-property", blank: 3),
            refusal: draftForm == nil ? nil : refused?.message)
        var ticketForm: [FormRow] = []
        var formRefusal: String?
        if type == .tickets {
            let sent = refused?.concern == .ticketForm ? refused?.form : nil
            formRefusal = sent == nil ? nil : refused?.message
            ticketForm = Self.formRows(try await desk.newTicketForm.current(by: caller), schema: schema, sent: sent)
        }
        // A built-in property has no form to show a refusal beside (its change was sent by hand).
        let placed = rows.contains { $0.refusal != nil && !$0.builtIn } || draft.refusal != nil || formRefusal != nil
        return WorkspacePage.render("properties", Page(
            csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: try await desk.recordSchema(ObjectType.tickets.name), current: nil),
            type: type.name, singular: type.singularLabel.lowercased(),
            types: Self.types.map { TypeLink(name: $0.name, label: $0.pluralLabel, current: $0 == type) },
            properties: rows, draft: draft, groups: Array(Set(listed.map(\.groupName))).sorted(),
            tickets: type == .tickets, ticketForm: ticketForm, formRefusal: formRefusal, notice: notice,
            error: placed ? nil : refused?.message),
            status: status)
    }

    /// The New ticket form's rows: the properties on it in their order, then the others by label;
    /// after a refusal, ticked as they were sent.
    static func formRows(_ form: NewTicketForm, schema: RecordSchema, sent: SubmittedForm?) -> [FormRow] {
        let onForm = form.shown(in: schema)
        let placed = Set(onForm.map(\.definition.name))
        let rest = NewTicketForm.choices(in: schema).filter { !placed.contains($0.name) }
        let rows = onForm.map { FormRow(name: $0.definition.name, label: $0.definition.label, shown: true, required: $0.required) }
            + rest.map { FormRow(name: $0.name, label: $0.label, shown: false, required: false) }
        guard let sent else { return rows }
        return rows.map { FormRow(name: $0.name, label: $0.label, shown: sent["shown.\($0.name)"] != nil, required: sent["required.\($0.name)"] != nil) }
    }

    /// The permission the API's property changes require; the page is for those who have it.
    static func mayConfigure(_ caller: Caller) throws(HelpDeskError) {
        do {
            try Access.check(caller.user, may: .configureProperties)
        } catch {
            throw .forbidden(error)
        }
    }
}
