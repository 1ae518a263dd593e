/// What becomes of an incoming message (C1-C3, C8), decided from the message and what the
/// store found of it in the transaction that will store it: a copy already stored, the
/// conversation it goes on (brought back from the trash when the customer answers there), or a
/// new conversation with its contact, its ticket and the acknowledgement to send. Routing and
/// the status change of a reply plug in here, so that everything one message causes is decided
/// in one place and done in one transaction.
public enum IntakePlan: Sendable, Hashable {
    /// The same message was stored already (a retried delivery): nothing to do.
    case duplicate(conversationID: String)
    /// The message goes on this conversation.
    case join(Conversation, bringBack: Bool)
    /// The message opens a conversation, planned by `IntakePlan.opening`.
    case open

    /// What the store found for a message, looked up in the transaction that stores it.
    public struct Findings: Sendable, Hashable {
        /// The conversation holding a copy of this message received before.
        public var storedCopy: String?
        /// The conversation the message's threading names, in the trash or not (see
        /// `IncomingMessage.Threading`): the one of the first answered message found, else the
        /// customer's conversation on the ticket of its token; the service's thread; the
        /// customer's latest conversation on the channel.
        public var thread: Conversation?

        public init(storedCopy: String? = nil, thread: Conversation? = nil) {
            self.storedCopy = storedCopy
            self.thread = thread
        }
    }

    /// Where the message goes.
    public static func thread(for message: IncomingMessage, found: Findings) -> IntakePlan {
        if let copy = found.storedCopy { return .duplicate(conversationID: copy) }
        guard let thread = found.thread else { return .open }
        if thread.trashedAt != nil {
            // C3: the customer answers a thread in the trash: it comes back with its ticket rather than
            // opening a new ticket or hiding the answer; machine mail joins it and leaves it there.
            return .join(thread, bringBack: message.automatic == nil)
        }
        if case .customer = message.threading, thread.status != .open {
            // After a conversation was closed, the customer's next message is a new request.
            return .open
        }
        return .join(thread, bringBack: false)
    }

    /// A new conversation: its state, its contact, its ticket and its acknowledgement.
    public struct Opening: Sendable, Hashable {
        public var status: Conversation.Status
        /// A live chat the chatbot answers first: no ticket until it hands over.
        public var withBot: Bool
        public var contact: ContactPlan
        /// The new ticket's properties, when the message opens one.
        public var ticket: [String: String]?
        /// The text the team address sends back when a mail opens a ticket.
        public var acknowledgement: String?
    }

    /// The contact a new conversation belongs to.
    public enum ContactPlan: Sendable, Hashable {
        case none
        /// This contact, with the properties it lacks filled from the message (never overwritten:
        /// anyone may write with any address).
        case existing(id: String, fill: [String: String])
        case create([String: String])
    }

    /// A contact as found by the message's `contactKeys`.
    public struct FoundContact: Sendable, Hashable {
        public var id: String
        public var properties: [String: String]

        public init(id: String, properties: [String: String]) {
            self.id = id
            self.properties = properties
        }
    }

    /// How a message that opens a conversation is stored. `contact` is the one found by the
    /// message's `contactKeys`, if any.
    public static func opening(for message: IncomingMessage, contact: FoundContact?, tickets: RecordSchema) -> Opening {
        let channel = message.channel
        let human = message.automatic == nil
        let withBot = channel.kind == .chat && channel.settings.chatbot != nil && human
        let contactPlan: ContactPlan
        if let known = message.sender.contactID {
            contactPlan = .existing(id: known, fill: [:])
        } else if !human {
            contactPlan = .none
        } else if let contact {
            contactPlan = .existing(id: contact.id, fill: message.contactProperties.filter {
                !IncomingMessage.identifyingProperties.contains($0.key) && (contact.properties[$0.key] ?? "").isEmpty
            })
        } else if message.contactKeys.isEmpty {
            contactPlan = .none
        } else {
            contactPlan = .create(message.contactProperties)
        }
        let ticket = human && !withBot ? ticketProperties(for: message, tickets: tickets) : nil
        let acknowledgement: String? = if case .mail = message.threading, ticket != nil { channel.settings.acknowledgement } else { nil }
        return Opening(status: human ? .open : .closed, withBot: withBot, contact: contactPlan, ticket: ticket,
                       acknowledgement: acknowledgement)
    }

    /// W1: whatever a pipeline's switches say, a customer's mail in an existing thread of a
    /// CLOSED ticket moves the ticket to the first OPEN status of its pipeline. Never for machine
    /// mail, a forward or an answer to one, nor mail from one of the help desk's own users (a
    /// reply from a personal inbox). The status to move to, or `nil` to leave the ticket as it is.
    public static func reopeningStatus(for message: IncomingMessage, answersForward: Bool, fromAUser: Bool,
                                       ticket: [String: String], tickets: RecordSchema) -> String? {
        guard case .mail = message.threading, message.automatic == nil, !message.isForward, !answersForward, !fromAUser,
              tickets.ticketState(of: ticket) == .closed,
              let pipeline = ticket["hs_pipeline"].flatMap(tickets.pipeline) else { return nil }
        return pipeline.firstOpenStage?.id
    }

    /// W1's "a customer replies" switch acts on a customer's mail in the thread its ticket was
    /// created from, or, once the ticket has been closed and reopened, in any of its threads.
    /// Never on machine mail, a forward or an answer to one, or mail from one of the help desk's
    /// own users.
    public static func isCustomerReply(_ message: IncomingMessage, answersForward: Bool, fromAUser: Bool, firstThread: Bool,
                                       closedBefore: Bool) -> Bool {
        guard case .mail = message.threading, message.automatic == nil, !message.isForward, !answersForward, !fromAUser else { return false }
        return firstThread || closedBefore
    }

    /// The properties of the ticket a conversation on this channel opens (C2): in the channel's
    /// pipeline, at its first OPEN status, with the message's subject and text unless the sender
    /// gave them. `nil` while the channel's switch is off (C1).
    public static func ticketProperties(for message: IncomingMessage, tickets: RecordSchema) -> [String: String]? {
        let channel = message.channel
        guard channel.createsTickets, let pipeline = tickets.pipeline(channel.pipelineID) ?? tickets.defaultPipeline,
              let stage = pipeline.firstOpenStage else { return nil }
        var properties = message.ticketProperties
        if properties["subject"] == nil { properties["subject"] = message.subject.isEmpty ? "(no subject)" : message.subject }
        if properties["content"] == nil { properties["content"] = String(message.text.prefix(65_536)) }
        properties["hs_pipeline"] = pipeline.id
        properties["hs_pipeline_stage"] = stage.id
        properties["source_type"] = channel.kind.ticketSource
        return properties
    }
}
