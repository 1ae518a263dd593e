/// A web form customers fill in to reach the help desk (C1, C2): its fields, each mapped to a
/// contact or ticket property, and what the page says. A form is a channel: the channel holds its
/// pipeline and its ticket switch.
public struct Form: Sendable, Hashable, Codable {
    /// The public id in the form's URL; long and random, so forms cannot be enumerated.
    public var id: String
    public var channelID: String
    public var name: String
    public var fields: [FormField]
    public var submitText: String
    public var thankYouMessage: String
    public var archived: Bool
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: String, channelID: String, name: String, fields: [FormField], submitText: String = "Send",
                thankYouMessage: String = "Thank you. We received your message and will answer soon.", archived: Bool = false,
                createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.channelID = channelID
        self.name = name
        self.fields = fields
        self.submitText = submitText
        self.thankYouMessage = thankYouMessage
        self.archived = archived
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The name of the hidden field that people never see and bots fill in.
    public static let honeypotField = "website_url"
    public static let maxFields = 50
}

/// One field of a form: the property it fills and how it is asked.
public struct FormField: Sendable, Hashable, Codable {
    /// How the field is shown; derived from the property unless the admin picks `multiLineText`.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case singleLineText = "single_line_text"
        case multiLineText = "multi_line_text"
        case email
        case phone
        case number
        case date
        case dropdown
        case singleCheckbox = "single_checkbox"
    }

    /// `0-1` for a contact property, `0-5` for a ticket property.
    public var objectTypeID: String
    public var name: String
    public var label: String
    public var required: Bool
    public var kind: Kind

    public init(objectTypeID: String, name: String, label: String, required: Bool, kind: Kind) {
        self.objectTypeID = objectTypeID
        self.name = name
        self.label = label
        self.required = required
        self.kind = kind
    }

    /// The name of the HTML input, as the commercial product's embedded forms name theirs.
    public var inputName: String { "\(objectTypeID)/\(name)" }

    /// The kind that suits a property, unless the admin asked for more room.
    public static func kind(for property: PropertyDefinition, objectTypeID: String, asked: Kind?) -> Kind {
        if asked == .multiLineText, property.type == .string { return .multiLineText }
        if objectTypeID == ObjectType.contacts.id, property.name == "email" { return .email }
        switch property.type {
        case .number: return .number
        case .date, .datetime: return .date
        case .bool: return .singleCheckbox
        case .enumeration: return property.fieldType == "booleancheckbox" ? .singleCheckbox : .dropdown
        case .string:
            if property.fieldType == "phonenumber" { return .phone }
            if property.fieldType == "textarea" || (objectTypeID == ObjectType.tickets.id && property.name == "content") {
                return .multiLineText
            }
            return .singleLineText
        }
    }
}
