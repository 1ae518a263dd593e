/// A customer's message as any channel hands it over, before it is stored: what was said, by
/// whom, on which channel, what it says of the thread it belongs to, and whether a machine sent
/// it. Mail, forms, live chat, WhatsApp, calls and custom channels each make one at their edge;
/// `IntakePlan` decides what becomes of it.
public struct IncomingMessage: Sendable, Hashable {
    /// How a message names the conversation it goes on.
    public enum Threading: Sendable, Hashable {
        /// Email headers: the messages it answers, newest last as in `References`, and the ticket
        /// named by its subject's token or the reply address it was sent to.
        case mail(inReplyTo: [String], references: [String], ticketToken: String?)
        /// The service behind the channel keeps threads of its own and names one.
        case service(threadID: String)
        /// Nothing names a thread: the message goes on the customer's open conversation on the
        /// channel, if there is one (chat, WhatsApp, a custom channel without thread ids).
        case customer
        /// Every message is a new request (a form submission).
        case none
    }

    /// Who wrote, as the channel knows them.
    public struct Sender: Sendable, Hashable {
        /// Their address on the channel: an email address, a phone number, a visitor's id.
        public var address: String
        public var name: String?
        public var email: String?
        public var phone: String?
        /// Their contact, when the channel already knows it (a visitor who gave their email).
        public var contactID: String?

        public init(address: String, name: String? = nil, email: String? = nil, phone: String? = nil, contactID: String? = nil) {
            self.address = address
            self.name = name
            self.email = email
            self.phone = phone
            self.contactID = contactID
        }
    }

    public var channel: Channel
    /// Who stored it, as events name it: EMAIL, FORM, CHAT, WHATSAPP, CALL, INTEGRATION.
    public var source: String
    public var sender: Sender
    public var subject: String
    public var text: String
    /// Sanitised HTML.
    public var html: String?
    public var to: [String]
    public var cc: [String]
    /// The message's own id (a Message-ID, or the service's id scoped by channel), so that a
    /// message delivered twice is stored once.
    public var messageID: String?
    public var threading: Threading
    /// Why a machine sent it; such messages open no ticket and make no contact.
    public var automatic: ConversationMessage.Automatic?
    public var isForward: Bool
    /// Properties the sender gave for the ticket (a form's ticket fields).
    public var ticketProperties: [String: String]
    /// Properties the sender gave for their contact; without them, those the sender's email,
    /// phone and name give.
    public var contactProperties: [String: String]

    public init(channel: Channel, source: String, sender: Sender, subject: String, text: String, html: String? = nil,
                to: [String] = [], cc: [String] = [], messageID: String? = nil, threading: Threading,
                automatic: ConversationMessage.Automatic? = nil, isForward: Bool = false,
                ticketProperties: [String: String] = [:], contactProperties: [String: String]? = nil) {
        self.channel = channel
        self.source = source
        self.sender = sender
        self.subject = subject
        self.text = text
        self.html = html
        self.to = to
        self.cc = cc
        self.messageID = messageID
        self.threading = threading
        self.automatic = automatic
        self.isForward = isForward
        self.ticketProperties = ticketProperties
        self.contactProperties = contactProperties ?? Self.contactProperties(of: sender)
    }

    /// The messages it answers, the one it names first: `In-Reply-To`, then `References` from the
    /// newest.
    public var answers: [String] {
        guard case .mail(let inReplyTo, let references, _) = threading else { return [] }
        return inReplyTo + references.reversed()
    }

    /// The thread's `References`, oldest first, for a message that answers this one.
    public var references: [String] {
        guard case .mail(_, let references, _) = threading else { return [] }
        return references
    }

    /// Whether two messages of one customer arriving at once could open two conversations: those
    /// that join by the service's thread or by the customer take turns.
    public var joinsByCustomer: Bool {
        switch threading {
        case .service, .customer: true
        case .mail, .none: false
        }
    }

    /// What the contact is looked up by, when the message may make or find one: not for machine
    /// mail, nor when the channel knows the contact already. The address the channel itself
    /// vouches for comes first (the phone of a WhatsApp or call, the email of mail); on a public
    /// form anyone may type anything, so only its email, the address replies go to, finds a contact.
    public var contactKeys: [(property: String, value: String)] {
        guard automatic == nil, sender.contactID == nil else { return [] }
        let order = channel.kind == .form ? ["email"] : channel.kind == .whatsapp || channel.kind == .call ? ["phone", "email"] : ["email", "phone"]
        return order.compactMap { name in contactProperties[name].map { (name, $0) } }
    }

    /// The properties that name a contact: never filled into a contact found by another of them,
    /// or whoever knows someone's phone number could give them their own email.
    public static let identifyingProperties: Set<String> = ["email", "phone"]

    /// A contact's properties from what the channel knows of the sender: none without an email
    /// or a phone.
    public static func contactProperties(of sender: Sender) -> [String: String] {
        var properties: [String: String] = [:]
        if let email = sender.email { properties["email"] = email }
        if let phone = sender.phone { properties["phone"] = phone }
        guard !properties.isEmpty else { return [:] }
        let words = (sender.name ?? "").split(separator: " ")
        if let first = words.first { properties["firstname"] = String(first) }
        if words.count > 1 { properties["lastname"] = words.dropFirst().joined(separator: " ") }
        return properties
    }
}
