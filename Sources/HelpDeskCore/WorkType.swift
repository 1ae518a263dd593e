/// The kind of work a ticket is, as routing counts an agent's load (A5): an agent on three calls
/// can still take an email.
public enum WorkType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Tickets of live calls.
    case calls = "CALLS"
    /// Tickets of live chat, WhatsApp and custom chat channels.
    case messages = "MESSAGES"
    /// Email and everything else: forms, tickets made by hand, by workflows or through the API.
    case email = "EMAIL"

    /// The work type of a ticket with this `source_type`.
    public init(source: String?) {
        switch source {
        case "PHONE": self = .calls
        case "CHAT", "WHATSAPP", "CUSTOM_CHANNEL": self = .messages
        default: self = .email
        }
    }

    public var title: String {
        switch self {
        case .calls: "calls"
        case .messages: "messages"
        case .email: "email and other tickets"
        }
    }
}
