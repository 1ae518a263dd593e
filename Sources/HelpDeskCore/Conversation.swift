/// A thread of messages with one customer on one channel (C1-C8). It belongs to at most one
/// ticket and never leaves it (C4); without a ticket it waits in the inbox.
public struct Conversation: Sendable, Hashable {
    public enum Status: String, Sendable {
        case open = "OPEN"
        case closed = "CLOSED"
    }

    public var id: String
    public var channelID: String
    public var ticketID: String?
    public var status: Status
    public var ownerID: String?
    public var contactID: String?
    /// The customer's address on the channel (email address, phone number, visitor id).
    public var customerAddress: String
    public var subject: String
    public var createdAt: Timestamp
    public var latestMessageAt: Timestamp
    public var closedAt: Timestamp?
    /// When it went to the trash (C7); restorable for `Trash.retentionDays`.
    public var trashedAt: Timestamp?
    /// The thread's id in the service behind a custom channel (`integrationThreadId`).
    public var externalThreadID: String?
    /// A live chat the chatbot still handles: no ticket yet (C2).
    public var withBot: Bool

    public init(id: String, channelID: String, ticketID: String?, status: Status, ownerID: String?, contactID: String?,
                customerAddress: String, subject: String, createdAt: Timestamp, latestMessageAt: Timestamp,
                closedAt: Timestamp? = nil, trashedAt: Timestamp? = nil, externalThreadID: String? = nil, withBot: Bool = false) {
        self.id = id
        self.channelID = channelID
        self.ticketID = ticketID
        self.status = status
        self.ownerID = ownerID
        self.contactID = contactID
        self.customerAddress = customerAddress
        self.subject = subject
        self.createdAt = createdAt
        self.latestMessageAt = latestMessageAt
        self.closedAt = closedAt
        self.trashedAt = trashedAt
        self.externalThreadID = externalThreadID
        self.withBot = withBot
    }
}

/// One message of a conversation: from the customer, to the customer, or an internal comment
/// that the customer never sees (R6).
public struct ConversationMessage: Sendable, Hashable {
    public enum Direction: String, Sendable {
        case incoming = "INCOMING"
        case outgoing = "OUTGOING"
        case comment = "COMMENT"
    }

    /// Why a message was sent by a machine; such messages never create tickets nor trigger replies.
    public enum Automatic: String, Sendable {
        case autoReply = "AUTO_REPLY"
        case bounce = "BOUNCE"
        case bulk = "BULK"
        case loop = "LOOP"
    }

    public var id: String
    public var conversationID: String
    public var direction: Direction
    public var senderAddress: String
    public var senderName: String?
    public var to: [String]
    public var cc: [String]
    public var subject: String
    public var text: String
    /// Sanitised HTML, safe to show in a page.
    public var html: String?
    /// The RFC 5322 Message-ID (without angle brackets), for threading.
    public var messageID: String?
    /// The message of this thread it answers (R1).
    public var inReplyTo: String?
    public var isForward: Bool
    /// It answers a forwarded message (W1 changes no status for these).
    public var repliesToForward: Bool
    public var automatic: Automatic?
    public var attachments: [AttachmentSummary]
    /// The user who wrote an outgoing message or a comment.
    public var authorID: String?
    public var createdAt: Timestamp
    /// For an outgoing message: how its delivery is going.
    public var delivery: Delivery?

    /// Where an outgoing message is on its way to the customer.
    public struct Delivery: Sendable, Hashable {
        public enum Status: String, Sendable {
            case queued = "QUEUED"
            case sent = "SENT"
            case failed = "FAILED"
        }

        public var status: Status
        public var attempts: Int
        public var lastError: String?
        public var sentAt: Timestamp?

        public init(status: Status, attempts: Int, lastError: String?, sentAt: Timestamp?) {
            self.status = status
            self.attempts = attempts
            self.lastError = lastError
            self.sentAt = sentAt
        }
    }

    public init(id: String, conversationID: String, direction: Direction, senderAddress: String, senderName: String?,
                to: [String], cc: [String], subject: String, text: String, html: String?, messageID: String?,
                inReplyTo: String?, isForward: Bool, repliesToForward: Bool = false, automatic: Automatic?, attachments: [AttachmentSummary] = [],
                authorID: String?, createdAt: Timestamp) {
        self.id = id
        self.conversationID = conversationID
        self.direction = direction
        self.senderAddress = senderAddress
        self.senderName = senderName
        self.to = to
        self.cc = cc
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.isForward = isForward
        self.repliesToForward = repliesToForward
        self.automatic = automatic
        self.attachments = attachments
        self.authorID = authorID
        self.createdAt = createdAt
    }
}

/// A file sent with a message, as listed on it; the bytes are read separately.
public struct AttachmentSummary: Sendable, Hashable {
    public var id: String
    public var filename: String
    public var contentType: String
    public var size: Int
    public var inline: Bool

    public init(id: String, filename: String, contentType: String, size: Int, inline: Bool) {
        self.id = id
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.inline = inline
    }
}
