/// A notice for one agent, with where to go: they were mentioned in a comment (R6); later also
/// assignments and automation's notifications.
public struct AgentNotification: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case mention = "MENTION"
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
