/// What the sending server said about a message, apart from the message itself: who sends it
/// (empty for a bounce's null return path) and to whom, as given in MAIL FROM and RCPT TO.
public struct SMTPEnvelope: Sendable {
    public var sender: String
    public var recipients: [String]
    /// The name the client gave in HELO or EHLO.
    public var clientName: String
    public var remoteAddress: String?

    public init(sender: String, recipients: [String], clientName: String, remoteAddress: String?) {
        self.sender = sender
        self.recipients = recipients
        self.clientName = clientName
        self.remoteAddress = remoteAddress
    }
}

/// A delivery's refusal of a message at the end of DATA. A temporary one (4xx) makes the sending
/// server try again later; a permanent one (5xx) returns the message to its sender. Any other
/// error a delivery throws counts as temporary, so that nothing is lost.
public struct SMTPDeliveryRefusal: Error, Sendable {
    /// A permanent refusal (5xx): the sender should not retry, for example a message that cannot be read at all.
    public var permanent: Bool
    public var message: String

    public init(permanent: Bool, message: String) {
        self.permanent = permanent
        self.message = message
    }
}
