/// Checks the forms admins define and reads what customers submit through them (C2).
public enum FormRules {
    /// Ticket properties a form may not fill: the channel decides the pipeline, and routing the owner.
    static let reservedTicketProperties: Set<String> = ["hs_pipeline", "hs_pipeline_stage", "hubspot_owner_id", "hubspot_team_id",
                                                        "source_type", "closed_date"]
    static let maxLineLength = 1_000
    static let maxTextLength = 65_536

    /// A form needs a name, a required contact email field (whom the help desk answers), and
    /// fields of existing, writable contact or ticket properties, each once.
    public static func check(_ form: Form, contacts: RecordSchema, tickets: RecordSchema) throws(FormError) {
        var problems: [FormError.Problem] = []
        func problem(_ field: String?, _ message: String) { problems.append(.init(field: field, message: message)) }
        if form.name.trimmingWhitespace.isEmpty || form.name.count > 200 { problem(nil, "A form needs a name of 1 to 200 characters.") }
        if form.fields.isEmpty || form.fields.count > Form.maxFields {
            problem(nil, "A form has 1 to \(Form.maxFields) fields; this one has \(form.fields.count).")
        }
        if form.submitText.trimmingWhitespace.isEmpty || form.submitText.count > 100 {
            problem(nil, "The submit button's text must be 1 to 100 characters.")
        }
        if form.thankYouMessage.count > 2_000 { problem(nil, "The thank-you message holds at most 2,000 characters.") }
        var seen = Set<String>()
        for field in form.fields {
            let schema: RecordSchema
            switch field.objectTypeID {
            case ObjectType.contacts.id: schema = contacts
            case ObjectType.tickets.id: schema = tickets
            default:
                problem(field.inputName, "Field \(field.name): objectTypeId must be 0-1 (contact) or 0-5 (ticket), not \"\(field.objectTypeID)\".")
                continue
            }
            if !seen.insert(field.inputName).inserted { problem(field.inputName, "Field \(field.inputName) appears twice.") }
            guard let property = schema.properties[field.name] else {
                problem(field.inputName, "\(schema.type.singularLabel) property \"\(field.name)\" does not exist.")
                continue
            }
            if property.readOnlyValue || schema.isTimestamp(field.name)
                || (schema.type.isTicket && reservedTicketProperties.contains(field.name)) {
                problem(field.inputName, "\(schema.type.singularLabel) property \"\(field.name)\" is set by the help desk, not by a form.")
            }
            if field.label.trimmingWhitespace.isEmpty || field.label.count > 200 {
                problem(field.inputName, "Field \(field.inputName) needs a label of 1 to 200 characters.")
            }
        }
        if !form.fields.contains(where: { $0.objectTypeID == ObjectType.contacts.id && $0.name == "email" && $0.required }) {
            problem(nil, "A form needs a required contact email field (objectTypeId 0-1, name email): it is how the help desk answers.")
        }
        guard problems.isEmpty else { throw FormError(problems: problems) }
    }

    /// Checks one submission against its form. Values are trimmed and normalised as their
    /// properties store them; fields the form does not have are ignored.
    public static func read(_ values: [String: String], form: Form, contacts: RecordSchema,
                            tickets: RecordSchema) throws(FormError) -> FormSubmission {
        var problems: [FormError.Problem] = []
        var submission = FormSubmission()
        var lines: [String] = []
        for field in form.fields {
            let schema = field.objectTypeID == ObjectType.tickets.id ? tickets : contacts
            guard let property = schema.properties[field.name] else { continue }
            var value = clean(values[field.inputName] ?? "", multiLine: field.kind == .multiLineText)
            if field.kind == .singleCheckbox {
                value = ["true", "on", "yes", "1"].contains(value.lowercased()) ? "true" : (value.isEmpty ? "" : "false")
            }
            if value.isEmpty {
                if field.required {
                    problems.append(.init(field: field.inputName, message: "Please fill in \(field.label)."))
                }
                continue
            }
            let limit = field.kind == .multiLineText ? maxTextLength : maxLineLength
            if value.count > limit {
                problems.append(.init(field: field.inputName, message: "\(field.label) is too long: at most \(limit) characters."))
                continue
            }
            switch field.kind {
            case .email:
                value = Channel.normalizedAddress(value)
                if !Channel.isValidEmailAddress(value) {
                    problems.append(.init(field: field.inputName, message: "\(field.label) must be an email address, like name@example.com."))
                    continue
                }
            case .dropdown:
                if !property.options.contains(where: { $0.value == value && !$0.hidden }) {
                    problems.append(.init(field: field.inputName, message: "Please choose one of the options for \(field.label)."))
                    continue
                }
            case .singleCheckbox where property.type == .enumeration:
                break
            default:
                do {
                    value = try property.normalize(value)
                } catch {
                    problems.append(.init(field: field.inputName, message: "\(field.label): \(error.message)"))
                    continue
                }
            }
            if field.objectTypeID == ObjectType.tickets.id {
                submission.ticket[field.name] = value
            } else {
                submission.contact[field.name] = value
            }
            lines.append(field.kind == .multiLineText ? "\(field.label):\n\(value)" : "\(field.label): \(value)")
        }
        guard problems.isEmpty else { throw FormError(problems: problems) }
        submission.email = submission.contact["email"] ?? ""
        submission.summary = lines.joined(separator: "\n")
        if submission.ticket["subject"] == nil { submission.ticket["subject"] = "\(form.name) from \(submission.email)" }
        if submission.ticket["content"] == nil { submission.ticket["content"] = submission.summary }
        return submission
    }

    /// Drops control characters (a form has no use for them), and line breaks outside text areas.
    static func clean(_ raw: String, multiLine: Bool) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(raw.unicodeScalars.count)
        var previousWasCR = false
        for scalar in raw.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\r": result.unicodeScalars.append(multiLine ? "\n" : " ")
            case "\n": if !previousWasCR { result.unicodeScalars.append(multiLine ? "\n" : " ") }
            case "\t": result.unicodeScalars.append(" ")
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return String(result.trimmingWhitespace)
    }
}

/// What one submission gives: the contact's values (with its email), the ticket's, and the
/// text of the message that starts the conversation.
public struct FormSubmission: Sendable, Equatable {
    public var email = ""
    public var contact: [String: String] = [:]
    public var ticket: [String: String] = [:]
    public var summary = ""

    public init() {}
}

/// Why a form definition or a submission was refused: one problem per field, to show beside it.
public struct FormError: Error, Sendable, Equatable {
    public struct Problem: Sendable, Equatable {
        /// The field's input name (`0-1/email`), or `nil` for the whole form.
        public var field: String?
        public var message: String

        public init(field: String?, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var problems: [Problem]
    public var message: String { problems.map(\.message).joined(separator: " ") }
}
