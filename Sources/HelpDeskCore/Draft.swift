/// An agent's unsent reply on a ticket (R4): saved as it is typed, seen only by its author, kept
/// across reloads, devices and restarts, listed in the Drafts view, and gone once a reply is sent.
/// One per author and ticket.
public struct Draft: Sendable, Hashable {
    public var ticketID: String
    public var authorID: String
    /// The thread it answers; the ticket's latest when `nil`.
    public var conversationID: String?
    /// The message it answers (R1); the thread's latest when `nil`.
    public var inReplyTo: String?
    public var text: String
    public var html: String?
    /// Recipients as typed, kept even when not yet valid addresses: a draft is work in progress.
    public var to: String
    public var cc: String
    public var bcc: String
    /// The team address to send from (R2).
    public var channelID: String?
    /// The status to set when sending (R5).
    public var status: String?
    public var updatedAt: Timestamp

    public init(ticketID: String, authorID: String, conversationID: String? = nil, inReplyTo: String? = nil, text: String,
                html: String? = nil, to: String = "", cc: String = "", bcc: String = "", channelID: String? = nil,
                status: String? = nil, updatedAt: Timestamp) {
        self.ticketID = ticketID
        self.authorID = authorID
        self.conversationID = conversationID
        self.inReplyTo = inReplyTo
        self.text = text
        self.html = html
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.channelID = channelID
        self.status = status
        self.updatedAt = updatedAt
    }

    /// The sizes a reply may have (the same limits as sending): a draft that could never be sent
    /// is refused while it is written, not when the agent presses Send.
    public static let maxTextBytes = 65_536
    public static let maxHTMLBytes = 1_048_576
    public static let maxRecipientBytes = 4_096

    /// Why this draft cannot be kept, or `nil`.
    public var problem: String? {
        if text.utf8.count > Self.maxTextBytes || (html ?? "").utf8.count > Self.maxHTMLBytes {
            return "A reply holds at most 64 KiB of text and 1 MiB of rich text."
        }
        if [to, cc, bcc].contains(where: { $0.utf8.count > Self.maxRecipientBytes }) {
            return "Recipients take at most 4 KiB per field."
        }
        return nil
    }

    /// Whether there is nothing in it worth keeping: saving an empty draft removes it.
    public var isEmpty: Bool {
        text.allSatisfy(\.isWhitespace) && (html ?? "").isEmpty && to.isEmpty && cc.isEmpty && bcc.isEmpty
    }
}
