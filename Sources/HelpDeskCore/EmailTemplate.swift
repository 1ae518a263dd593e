/// An email a workflow sends to a record's contact (W2). Two are built in and transactional,
/// "Ticket received" and "Ticket closed", and may be edited; others are written by the team. A
/// template that is not transactional is marketing mail: it reaches only contacts marked as
/// marketing contacts. Subject and body take placeholders such as `{{ticket.subject}}` and
/// `{{contact.firstname}}`.
public struct EmailTemplate: Sendable, Hashable {
    public var id: String
    public var name: String
    public var subject: String
    public var body: String
    public var transactional: Bool
    public var builtIn: Bool
    public var updatedAt: Timestamp

    public init(id: String, name: String, subject: String, body: String, transactional: Bool, builtIn: Bool = false,
                updatedAt: Timestamp = Timestamp(millisecondsSince1970: 0)) {
        self.id = id
        self.name = name
        self.subject = subject
        self.body = body
        self.transactional = transactional
        self.builtIn = builtIn
        self.updatedAt = updatedAt
    }

    public static let ticketReceived = EmailTemplate(
        id: "ticket-received", name: "Ticket received", subject: "We received your request: {{ticket.subject}}",
        body: "Hello {{contact.firstname}},\n\nThank you for writing to us. Your request \"{{ticket.subject}}\" is ticket #{{ticket.hs_object_id}}; we will answer as soon as we can.\n",
        transactional: true, builtIn: true)
    public static let ticketClosed = EmailTemplate(
        id: "ticket-closed", name: "Ticket closed", subject: "Your request is closed: {{ticket.subject}}",
        body: "Hello {{contact.firstname}},\n\nYour request \"{{ticket.subject}}\" (ticket #{{ticket.hs_object_id}}) is now closed. Reply to this email if you need more help.\n",
        transactional: true, builtIn: true)
    public static let builtIns = [ticketReceived, ticketClosed]

    public static let maxNameLength = 80
    public static let maxSubjectLength = 200
    public static let maxBodyBytes = 65_536

    /// What is wrong with a template as written, or `nil`.
    public static func problem(name: String, subject: String, body: String) -> String? {
        if name.isEmpty || name.count > maxNameLength { return "A template needs a name of 1 to \(maxNameLength) characters." }
        if subject.isEmpty || subject.count > maxSubjectLength { return "A template needs a subject of 1 to \(maxSubjectLength) characters." }
        if subject.contains(where: \.isNewline) { return "A template's subject is one line." }
        if body.isEmpty || body.utf8.count > maxBodyBytes { return "A template needs a body of at most 64 KiB." }
        return nil
    }
}

/// Fills `{{object.property}}` placeholders from a record and its contact. A placeholder names the
/// record by its type's singular (`ticket`, `deal`) or `record`; an unknown one is left empty, so
/// a customer never reads the braces.
public enum Placeholders {
    public static func fill(_ text: String, record: [String: String], recordName: String,
                            contact: [String: String]) -> String {
        guard text.contains("{{") else { return text }
        var result = ""
        var rest = text[...]
        while let open = rest.firstRange(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                result += rest[open.lowerBound...]
                return result
            }
            let name = String(rest[open.upperBound..<close.lowerBound].trimmingCharacters())
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                let source = parts[0] == "contact" ? contact : (parts[0] == recordName || parts[0] == "record") ? record : [:]
                result += source[parts[1]] ?? ""
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
