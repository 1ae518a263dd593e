/// A notice for one agent, with where to go (A10): they were mentioned in a comment (R6), a
/// ticket was assigned to them, a new ticket waits unassigned in their team, a customer replied
/// on their ticket.
public struct AgentNotification: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
        case mention = "MENTION"
        case assigned = "ASSIGNED"
        case unassignedInTeam = "NEW_UNASSIGNED_IN_TEAM"
        case customerReply = "CUSTOMER_REPLY"

        /// What a user chooses about, in their words.
        public var title: String {
            switch self {
            case .mention: "Someone mentions me in a comment"
            case .assigned: "A ticket is assigned to me"
            case .unassignedInTeam: "A new ticket waits unassigned in one of my teams"
            case .customerReply: "A customer replies on one of my tickets"
            }
        }
    }

    public var id: String
    public var userID: String
    public var kind: Kind
    public var conversationID: String?
    public var messageID: String?
    public var ticketID: String?
    /// Who caused it.
    public var actorID: String?
    /// What to show: for a mention, the start of the comment.
    public var text: String
    public var createdAt: Timestamp
    public var readAt: Timestamp?

    public init(id: String, userID: String, kind: Kind, conversationID: String?, messageID: String?, ticketID: String?,
                actorID: String?, text: String, createdAt: Timestamp, readAt: Timestamp? = nil) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.conversationID = conversationID
        self.messageID = messageID
        self.ticketID = ticketID
        self.actorID = actorID
        self.text = text
        self.createdAt = createdAt
        self.readAt = readAt
    }
}
