/// The New ticket page's form as an admin arranged it (P5): which ticket properties it shows
/// beyond the ticket's name, pipeline and status, which are always there and always required,
/// and which of the properties shown it requires too. Only that page asks for them: tickets made
/// through the API or by a channel are not held to this form.
public struct NewTicketForm: Sendable, Equatable, Codable {
    /// One property on the form.
    public struct Field: Sendable, Equatable, Codable {
        public var name: String
        public var required: Bool

        public init(name: String, required: Bool = false) {
            self.name = name
            self.required = required
        }
    }

    /// In the order they show.
    public var fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// The form before an admin changes it: priority, owner and description, none required.
    public static let standard = NewTicketForm(fields: [
        Field(name: "hs_ticket_priority"), Field(name: Record.ownerProperty), Field(name: "content"),
    ])

    /// The name, pipeline and status every ticket made by hand has (P5); the form always asks for
    /// them, so they are not offered.
    public static let alwaysRequired: Set<String> = ["subject", "hs_pipeline", "hs_pipeline_stage"]

    /// The properties an admin may put on the form, by label: those a person may write.
    public static func choices(in schema: RecordSchema) -> [PropertyDefinition] {
        schema.properties.values.filter { !$0.readOnlyValue && !alwaysRequired.contains($0.name) }
            .sorted { ($0.label.lowercased(), $0.name) < ($1.label.lowercased(), $1.name) }
    }

    /// The fields to show with their definitions; names the schema no longer has (an archived
    /// property) are skipped.
    public func shown(in schema: RecordSchema) -> [(definition: PropertyDefinition, required: Bool)] {
        let offered = Dictionary(Self.choices(in: schema).map { ($0.name, $0) }) { first, _ in first }
        return fields.compactMap { field in offered[field.name].map { ($0, field.required) } }
    }

    /// Why an admin's arrangement cannot be kept, or `nil`.
    public func problem(in schema: RecordSchema) -> String? {
        let offered = Set(Self.choices(in: schema).map(\.name))
        var seen: Set<String> = []
        for field in fields {
            if !offered.contains(field.name) {
                return "\"\(field.name)\" is not a ticket property the New ticket form can ask for."
            }
            if !seen.insert(field.name).inserted { return "\"\(field.name)\" is on the New ticket form twice." }
        }
        return nil
    }

    /// The required properties of the form that `values` leaves empty, in the form's order.
    public func missing(in values: [String: String], schema: RecordSchema) -> [PropertyDefinition] {
        shown(in: schema).filter { $0.required && (values[$0.definition.name] ?? "").trimmingWhitespace.isEmpty }.map(\.definition)
    }

    /// The refusal of a ticket from the form that leaves required properties empty, naming each
    /// one, or `nil` when none is missing.
    public func refusal(of values: [String: String], schema: RecordSchema) -> String? {
        let labels = missing(in: values, schema: schema).map(\.label)
        guard let last = labels.last else { return nil }
        let named = labels.count == 1 ? last : labels.dropLast().joined(separator: ", ") + " and " + last
        return "The New ticket form requires \(named); fill \(labels.count == 1 ? "it" : "them") in to create the ticket."
    }
}
