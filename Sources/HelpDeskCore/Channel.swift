/// A connected way for customers to reach the help desk (C1): a team email address, a form, a
/// live chat, WhatsApp, calls or a custom channel fed through the API.
public struct Channel: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case email = "EMAIL"
        case form = "FORM"
        case chat = "CHAT"
        case whatsapp = "WHATSAPP"
        case call = "CALL"
        case custom = "CUSTOM"

        /// The ticket's `source_type` for tickets that start on this kind of channel.
        public var ticketSource: String {
            switch self {
            case .email: "EMAIL"
            case .form: "FORM"
            case .chat: "CHAT"
            case .whatsapp: "WHATSAPP"
            case .call: "PHONE"
            case .custom: "CUSTOM_CHANNEL"
            }
        }
    }

    public var id: String
    public var kind: Kind
    public var name: String
    /// Where customers write to: the team email address (lowercased), a phone number, ...
    public var address: String
    /// The ticket pipeline new tickets from this channel go to.
    public var pipelineID: String
    /// C1: "create a ticket for every new incoming message". Off, conversations wait in the inbox.
    public var createsTickets: Bool
    public var archived: Bool
    public var createdAt: Timestamp
    public var settings: ChannelSettings

    public init(id: String, kind: Kind, name: String, address: String, pipelineID: String, createsTickets: Bool,
                archived: Bool = false, createdAt: Timestamp, settings: ChannelSettings = ChannelSettings()) {
        self.id = id
        self.kind = kind
        self.name = name
        self.address = address
        self.pipelineID = pipelineID
        self.createsTickets = createsTickets
        self.archived = archived
        self.createdAt = createdAt
        self.settings = settings
    }

    /// An email address as channels and threading compare it: trimmed, without angle brackets,
    /// lowercased (mail systems treat the local part case-insensitively in practice).
    public static func normalizedAddress(_ address: String) -> String {
        var trimmed = Substring(address).drop { $0 == " " || $0 == "<" }
        while let last = trimmed.last, last == " " || last == ">" { trimmed = trimmed.dropLast() }
        return trimmed.lowercased()
    }

    /// Whether `address` looks like a mailbox (`local@domain.tld`), as an admin would type it.
    public static func isValidEmailAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, address.count <= 254 else { return false }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        return domain.allSatisfy { allowed.contains($0) }
            && parts[0].allSatisfy { !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "," && $0 != "\"" }
    }
}
