/// An email as received after SMTP DATA, parsed (RFC 5322 header fields, MIME body) into what a
/// help desk needs: thread identifiers, people, subject, bodies, attachments, and whether a
/// person or a machine sent it.
public struct MailMessage: Sendable {
    /// Every header field, unfolded, in order.
    public var headers: MailHeaders
    /// The Message-ID without angle brackets, such as `abc@example.com`.
    public var messageID: String?
    /// Ids of the messages this one answers, without angle brackets.
    public var inReplyTo: [String]
    /// Ids of the thread this message belongs to, oldest first, without angle brackets.
    public var references: [String]
    /// The subject with encoded words decoded and whitespace collapsed; "" when there is none.
    public var subject: String
    /// The first From address.
    public var from: MailAddress?
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var replyTo: [MailAddress]
    /// Milliseconds since 1970 from the Date header, or nil when it is missing or unreadable.
    public var date: Int64?
    /// The plain-text body, or nil when the message has none (see `plainText` for a rendering of
    /// an HTML-only message).
    public var text: String?
    /// The HTML body as sent, not sanitised: show it only through `HTMLSanitizer`.
    public var html: String?
    public var attachments: [MailAttachment]
    /// Why this message is machine-sent, judged from its headers alone; nil for a person's mail.
    /// `automatic(envelopeSender:)` also weighs the SMTP envelope.
    public var automatic: AutomaticMail?
    /// Whether the message forwards another one, by its subject prefix, a forwarding marker line in
    /// its text, or an attached message.
    public var isForward: Bool

    /// Parses the raw bytes of a message, with CRLF or LF line ends.
    public init(parsing raw: [UInt8]) throws(MailParseError) {
        // Without header fields it is still mail from someone (the envelope names the sender):
        // all of it is the body.
        let (headers, bodyStart) = MailHeaders.parse(raw[...])
        let body = try MessageBody(raw, headers: headers, body: bodyStart..<raw.count)

        self.headers = headers
        messageID = MessageIDs.parse(headers["Message-ID"]).first
        inReplyTo = MessageIDs.parse(headers["In-Reply-To"])
        references = MessageIDs.parse(headers["References"])
        subject = ASCII.collapsingWhitespace(EncodedWords.decode(headers["Subject"] ?? ""))
        from = Self.sender(in: headers)
        to = headers.values("To").flatMap(AddressList.parse)
        cc = headers.values("Cc").flatMap(AddressList.parse)
        replyTo = AddressList.parse(headers["Reply-To"])
        date = MailDate.parse(headers["Date"])
        // An alternative whose text part is blank while its HTML is not: the HTML is the message,
        // as when there is no text part at all.
        if let html = body.html, !html.isEmpty, let plain = body.text, plain.allSatisfy(\.isWhitespace) {
            text = nil
        } else {
            text = body.text
        }
        html = body.html
        attachments = body.attachments
        automatic = AutomaticMail.classify(headers: headers, from: from, envelopeSender: nil)
        isForward = ForwardDetection.isForward(
            subject: subject,
            body: body.text ?? body.html.map(HTMLText.plain),
            attachesMessage: body.attachesMessage
        )
    }

    /// The sender as the headers name them, as broken as senders write them: the first usable
    /// From address, else the first address-like word in a From line (an unclosed quote, a name
    /// and an address without angle brackets), else the Sender's.
    static func sender(in headers: MailHeaders) -> MailAddress? {
        for name in ["From", "Sender"] {
            for value in headers.values(name) {
                if let address = AddressList.parse(value).first(where: { $0.address.contains("@") }) { return address }
            }
            for value in headers.values(name) {
                if let address = AddressList.firstAddressLike(in: value) { return address }
            }
        }
        return nil
    }
}
