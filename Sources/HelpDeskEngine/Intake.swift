import Foundation
import HelpDeskCore
import HelpDeskStore
import Logging

/// Stores an incoming message of any channel, inside the caller's write: looks up what
/// `IntakePlan` needs (a stored copy, the thread, the contact), lets it decide, and carries the
/// plan out (contact, ticket, conversation, message, acknowledgement and their events). The
/// lookups run in the storing transaction, so two copies of one message arriving at once are
/// stored once: the second meets the unique index on incoming message ids, its write runs again
/// and finds the first.
struct Intake {
    let tickets: RecordSchema
    let contacts: RecordSchema
    let roster: RoutingRoster
    let now: Timestamp
    let logger: Logger

    /// What became of one message.
    struct Outcome {
        var conversation: Conversation
        /// The stored message; `nil` for a duplicate.
        var message: ConversationMessage?
        var contactID: String?
        /// The ticket this message opened.
        var openedTicket: String?
    }

    func store(_ incoming: IncomingMessage, attachments: [NewAttachment] = [], session: StoreSession) async throws -> Outcome {
        if incoming.joinsByCustomer {
            try await session.lock("conversation:\(incoming.channel.id):\(incoming.sender.address)")
        }
        let caller = Caller.system(source: incoming.source)
        let found = try await findings(for: incoming, session: session)
        var events: [FeedEvent] = []
        var conversation: Conversation
        var contactID: String?
        var opening: IntakePlan.Opening?
        var customerReply = false
        switch IntakePlan.thread(for: incoming, found: found.plan) {
        case .duplicate(let conversationID):
            guard let copy = try await session.anyConversation(id: conversationID) else {
                throw HelpDeskError.conflict("The conversation of a message stored before disappeared; send it again.")
            }
            return Outcome(conversation: copy, message: nil, contactID: copy.contactID, openedTicket: nil)
        case .join(let thread, let bringBack):
            if bringBack {
                try await session.lockRecords(ids: [thread.ticketID.flatMap { Int64($0) }].compactMap { $0 })
                _ = try await ConversationService.bringBack(thread, by: caller, at: now, session: session)
            }
            if case .mail = incoming.threading, incoming.automatic == nil, !bringBack, let ticket = thread.ticketID.flatMap({ Int64($0) }) {
                // The reply may reopen its ticket (W1): the ticket is locked before its conversation
                // is touched, as every write that touches both does, so none waits for the other.
                try await session.lockRecords(ids: [ticket])
            }
            conversation = try await session.touchConversation(id: thread.id, at: now) ?? thread
            // Only a person's mail can reopen its ticket or count as their reply (W1).
            if case .mail = incoming.threading, incoming.automatic == nil, let ticketID = conversation.ticketID.flatMap({ Int64($0) }),
               let ticket = try await session.records(type: .tickets, ids: [ticketID]).first {
                let fromAUser = try await roster.snapshot(session: session).users.values
                    .contains { Channel.normalizedAddress($0.email) == incoming.sender.address }
                let threads = try await session.conversations(ticketIDs: [Int64(ticket.id) ?? 0])
                customerReply = IntakePlan.isCustomerReply(
                    incoming, answersForward: found.answersForward, fromAUser: fromAUser,
                    firstThread: threads.compactMap { Int64($0.id) }.min() == Int64(conversation.id),
                    closedBefore: !(ticket.properties["closed_date"] ?? "").isEmpty)
                conversation = try await reopenClosedTicket(ticket, of: conversation, for: incoming, answersForward: found.answersForward,
                                                            fromAUser: fromAUser, by: caller, session: session)
            }
            contactID = conversation.contactID
        case .open:
            let contact = try await self.contact(keys: incoming.contactKeys, session: session)
            let plan = IntakePlan.opening(for: incoming, contact: contact, tickets: tickets)
            let (id, contactEvents) = try await carryOut(plan.contact, by: caller, session: session)
            contactID = id
            events += contactEvents
            var ticketID: String?
            if var properties = plan.ticket {
                let links = id.flatMap { Int64($0) }.map {
                    [RecordService.Link(type: .contacts, id: $0, association: .defaultType(from: ObjectType.tickets.id, to: ObjectType.contacts.id))]
                } ?? []
                let routing = TicketRouting(tickets: tickets, roster: roster, now: now)
                let channel = incoming.channel
                var known: String?
                if case .existing(let id, _) = plan.contact { known = id }
                let decision = try await routing.route(&properties, on: channel, contactID: known, session: session)
                let (records, created) = try await Self.create(properties, schema: tickets, links: links, by: caller, now: now, session: session)
                ticketID = records.first?.id
                events += created
                if let decision, let ticketID {
                    try await routing.record(decision, ticketID: ticketID, channelID: channel.id, session: session)
                }
            }
            conversation = try await session.insertConversation(Conversation(
                id: "", channelID: incoming.channel.id, ticketID: ticketID, status: plan.status, ownerID: nil, contactID: id,
                customerAddress: incoming.sender.address, subject: incoming.subject, createdAt: now, latestMessageAt: now,
                closedAt: plan.status == .closed ? now : nil, externalThreadID: incoming.externalThreadID, withBot: plan.withBot))
            opening = plan
        }
        let message = try await session.insertMessage(ConversationMessage(
            id: "", conversationID: conversation.id, direction: .incoming, senderAddress: incoming.sender.address,
            senderName: incoming.sender.name, to: incoming.to, cc: incoming.cc,
            // A chat is one thread under one subject; other channels give each message its own.
            subject: incoming.channel.kind == .chat ? conversation.subject : incoming.subject, text: incoming.text,
            html: incoming.html, messageID: incoming.messageID, inReplyTo: incoming.answers.first, isForward: incoming.isForward,
            repliesToForward: found.answersForward, automatic: incoming.automatic, authorID: nil, createdAt: now), attachments: attachments)
        let openedTicket = opening?.ticket != nil ? conversation.ticketID : nil
        events.append(FeedEvent(
            recordID: conversation.ticketID, conversationID: Int64(conversation.id), objectType: ObjectType.tickets.id,
            kind: .messageReceived, property: "conversation",
            oldValue: openedTicket != nil ? FeedEvent.openedTicket : customerReply ? FeedEvent.customerReply : nil,
            newValue: message.id, actor: caller.user.id, source: incoming.source, occurredAt: now))
        try session.append(events)
        if let template = opening?.acknowledgement, let ticketID = openedTicket {
            try await Acknowledgement.send(template, answering: incoming, ticketID: ticketID, conversation: conversation, now: now,
                                           session: session, logger: logger)
        }
        return Outcome(conversation: conversation, message: message, contactID: contactID, openedTicket: openedTicket)
    }

    /// W1: a customer's mail in a thread of a CLOSED ticket moves the ticket to its pipeline's
    /// first OPEN status (see `IntakePlan.reopeningStatus`), and reopens the thread it came on,
    /// whichever other threads the ticket has. A status the ticket cannot take without properties
    /// it lacks (P3) leaves it closed, with a warning: the mail is stored all the same. The caller
    /// has locked the ticket.
    private func reopenClosedTicket(_ ticket: Record, of conversation: Conversation, for incoming: IncomingMessage, answersForward: Bool,
                                    fromAUser: Bool, by caller: Caller, session: StoreSession) async throws -> Conversation {
        let ticketID = ticket.id
        guard let stage = IntakePlan.reopeningStatus(for: incoming, answersForward: answersForward, fromAUser: fromAUser,
                                                     ticket: ticket.properties, tickets: tickets) else { return conversation }
        do {
            let write = try RecordWrite.update(ticket.properties, with: ["hs_pipeline_stage": stage], schema: tickets, now: now)
            try await RecordService.apply([(ticket, write)], schema: tickets, actor: caller.user.id, source: incoming.source, now: now,
                                          session: session)
        } catch let error as RecordInputError {
            logger.warning("Ticket \(ticketID) stays closed after the customer's reply: \(error.message)")
            return conversation
        }
        guard let current = try await session.conversation(id: conversation.id), current.status == .closed else {
            return try await session.conversation(id: conversation.id) ?? conversation
        }
        let reopened = ConversationCascade.statusSet(.open, on: current, at: now)
        try await session.updateConversation(reopened)
        try session.append(ConversationService.changes(from: current, to: reopened, by: caller, at: now))
        return reopened
    }

    private func findings(for incoming: IncomingMessage, session: StoreSession) async throws
        -> (plan: IntakePlan.Findings, answersForward: Bool) {
        let answers = incoming.answers
        let ids = [incoming.messageID].compactMap { $0 } + answers
        let stored = try await session.messageThreads(forMessageIDs: ids)
        var found = IntakePlan.Findings()
        if let id = incoming.messageID, let copy = stored[id], copy.direction == .incoming {
            found.storedCopy = copy.conversationID
            return (found, false)
        }
        let answersForward: Bool
        switch incoming.threading {
        case .mail(let inReplyTo, _, let token):
            answersForward = inReplyTo.contains { stored[$0]?.isForward == true }
            if let id = answers.lazy.compactMap({ stored[$0]?.conversationID }).first {
                found.thread = try await session.anyConversation(id: id)
            }
            if found.thread == nil, let token {
                found.thread = try await session.conversations(ticketID: token, limit: 50)
                    .first { $0.customerAddress == incoming.sender.address }
            }
        case .service(let threadID):
            answersForward = false
            found.thread = try await session.conversation(channelID: incoming.channel.id, externalThreadID: threadID)
            if found.thread == nil {
                found.thread = try await session.conversation(channelID: incoming.channel.id, externalThreadID: threadID, trashed: true)
            }
        case .customer:
            answersForward = false
            found.thread = try await session.latestConversation(channelID: incoming.channel.id, customerAddress: incoming.sender.address)
        case .none:
            answersForward = false
        }
        return (found, answersForward)
    }

    /// The contact with the first of these keys that one has. Two first messages from one person,
    /// on any channels, make one contact: the keys are locked first.
    private func contact(keys: [(property: String, value: String)], session: StoreSession) async throws -> IntakePlan.FoundContact? {
        for key in keys { try await session.lock("contact:\(key.value)") }
        for key in keys {
            guard let id = try await session.recordIDs(type: .contacts, property: key.property, values: [key.value])[
                IndexedValue.searchable(key.value)] else { continue }
            guard let record = try await session.records(type: .contacts, ids: [id]).first else { continue }
            return IntakePlan.FoundContact(id: record.id, properties: record.properties)
        }
        return nil
    }

    private func carryOut(_ plan: IntakePlan.ContactPlan, by caller: Caller, session: StoreSession) async throws
        -> (id: String?, events: [FeedEvent]) {
        switch plan {
        case .none:
            return (nil, [])
        case .existing(let id, let fill):
            guard !fill.isEmpty, let numeric = Int64(id), let contact = try await session.records(type: .contacts, ids: [numeric]).first else {
                return (id, [])
            }
            let write: RecordWrite
            do {
                write = try RecordWrite.update(contact.properties, with: fill, schema: contacts, now: now)
            } catch {
                throw HelpDeskError.invalidInput(error)
            }
            try await RecordService.apply([(contact, write)], schema: contacts, actor: caller.user.id, source: caller.source, now: now,
                                          session: session)
            return (id, [])
        case .create(let properties):
            let (records, events) = try await Self.create(properties, schema: contacts, links: [], by: caller, now: now, session: session)
            return (records.first?.id, events)
        }
    }

    /// The contact with this email, made from it and the name when there is none (C8).
    func contact(email: String, name: String?, source: String, session: StoreSession) async throws -> (id: String?, events: [FeedEvent]) {
        let sender = IncomingMessage.Sender(address: email, name: name, email: email)
        let properties = IncomingMessage.contactProperties(of: sender)
        let found = try await contact(keys: [("email", email)], session: session)
        let plan: IntakePlan.ContactPlan = found.map { contact in
            .existing(id: contact.id, fill: properties.filter {
                !IncomingMessage.identifyingProperties.contains($0.key) && (contact.properties[$0.key] ?? "").isEmpty
            })
        } ?? .create(properties)
        return try await carryOut(plan, by: .system(source: source), session: session)
    }

    static func create(_ properties: [String: String], schema: RecordSchema, links: [RecordService.Link], by caller: Caller,
                       now: Timestamp, session: StoreSession) async throws -> (records: [Record], events: [FeedEvent]) {
        let write: RecordWrite
        do {
            write = try RecordWrite.create(properties, schema: schema, now: now)
        } catch {
            throw HelpDeskError.invalidInput(error)
        }
        let creation = RecordService.Creation(write: write, stored: NewRecord(properties: write.properties, schema: schema, createdAt: now),
                                              links: links, caller: caller, at: now)
        return try await RecordService.insert([creation], schema: schema, session: session)
    }
}

extension StoreSession {
    /// The conversation with this id, in the trash or not.
    fileprivate func anyConversation(id: String) async throws -> Conversation? {
        if let live = try await conversation(id: id) { return live }
        return try await conversation(id: id, trashed: true)
    }
}

extension IncomingMessage {
    /// The service's thread id, kept on a conversation the message opens.
    var externalThreadID: String? {
        if case .service(let threadID) = threading { return threadID }
        return nil
    }
}
