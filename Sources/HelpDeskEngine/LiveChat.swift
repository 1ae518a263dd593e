import Crypto
import Foundation
import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// Live chat on a chat channel: visitors known by a cookie (C8), their messages, the chatbot's
/// answers and its hand-off (C2), and the bell that wakes the visitor's socket when an agent
/// answers. A chat the chatbot handles has no ticket; one handled by people has, while the
/// channel's switch is on.
public struct LiveChat: Sendable {
    let desk: HelpDesk

    static let maxText = 4_000

    /// A live chat channel, for its public pages.
    public func channel(id: String) async throws -> Channel? {
        try await desk.channelMessages.channel(id: id, kinds: [.chat])
    }

    /// The visitor with this cookie, stored on first use. `nil` when the cookie is not one the
    /// help desk gives.
    public func visitor(token: String) async throws -> Visitor? {
        guard Self.isWellFormed(token) else { return nil }
        let hash = Self.hash(token), now = desk.clock()
        if let known = try await desk.database.read({ try await $0.visitor(tokenHash: hash) }) { return known }
        return try await desk.database.write { session in
            if let known = try await session.visitor(tokenHash: hash) { return known }
            return try await session.insertVisitor(tokenHash: hash, at: now)
        }
    }

    /// A new visitor cookie: 256 random bits, in URL-safe base64.
    public static func newToken() -> String {
        Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 44 && token.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95 || byte == 61
        }
    }

    /// What the visitor sees of their open chat on the channel: every message but internal
    /// comments (R6), after `afterID`.
    public func transcript(for visitor: Visitor, on channel: Channel, after afterID: Int64 = 0) async throws
        -> (conversation: Conversation?, messages: [ConversationMessage]) {
        try await desk.database.read { session in
            guard let conversation = MessageThreading.conversationToJoin(
                threadMatch: nil, namesThread: false,
                latestWithCustomer: try await session.latestConversation(channelID: channel.id, customerAddress: visitor.address)) else {
                return (nil, [])
            }
            let messages = try await session.messages(conversationID: conversation.id, afterID: afterID)
            return (conversation, messages.filter { $0.direction != .comment })
        }
    }

    /// The visitor writes: their message joins their open chat or starts one, and the chatbot
    /// answers while it handles the chat.
    public func say(_ text: String, visitor: Visitor, on channel: Channel) async throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= Self.maxText else {
            throw HelpDeskError.badRequest("A chat message holds 1 to \(Self.maxText) characters.")
        }
        let intake = Intake(tickets: try await desk.catalog.schema(for: ObjectType.tickets.name),
                            contacts: try await desk.catalog.schema(for: ObjectType.contacts.name), roster: desk.routingRoster, now: desk.clock(), logger: desk.logger)
        let message = IncomingMessage(
            channel: channel, source: "CHAT",
            sender: IncomingMessage.Sender(address: visitor.address, name: visitor.name, contactID: visitor.contactID),
            subject: ChannelMessages.subject(nil, text: trimmed, customer: visitor.name ?? "a visitor"), text: trimmed,
            threading: .customer)
        let bot = channel.settings.chatbot, now = intake.now, tickets = intake.tickets
        try await desk.database.write { session in
            var chat = try await intake.store(message, session: session).conversation
            var events: [FeedEvent] = []
            if chat.withBot, let bot {
                let thread = try await session.messages(conversationID: chat.id)
                let misses = thread.reversed().filter { $0.direction == .outgoing }.prefix { $0.authorID == nil && $0.text == bot.fallback }.count
                let reply = bot.reply(to: trimmed, misses: misses)
                let answer: String
                switch reply {
                case .answer(let text), .notUnderstood(let text), .handOff(let text): answer = text
                }
                let answered = try await session.insertMessage(ConversationMessage(
                    id: "", conversationID: chat.id, direction: .outgoing, senderAddress: channel.address, senderName: bot.name,
                    to: [visitor.address], cc: [], subject: chat.subject, text: answer, html: nil, messageID: nil, inReplyTo: nil,
                    isForward: false, automatic: nil, authorID: nil, createdAt: now), attachments: [])
                events.append(FeedEvent(recordID: chat.ticketID, conversationID: Int64(chat.id), objectType: ObjectType.tickets.id,
                                        kind: .messageSent, property: "conversation", newValue: answered.id, actor: "system",
                                        source: "CHATBOT", occurredAt: now))
                if case .handOff = reply {
                    // The visitor asked for people: the chat's rule gives the ticket its owner.
                    events += try await Self.handOff(&chat, channel: channel, tickets: tickets, now: now,
                                                     routing: TicketRouting(tickets: tickets, roster: intake.roster, now: now), session: session)
                }
            }
            try session.append(events)
        }
    }

    /// C8: the visitor gives a name or an email. With an email they become the contact that
    /// has it (made if needed), and their conversations and tickets are linked to it.
    public func identify(_ visitor: Visitor, name: String?, email: String?) async throws -> Visitor {
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        let email = email.map(Channel.normalizedAddress)?.nilIfEmpty
        if let email, !Channel.isValidEmailAddress(email) {
            throw HelpDeskError.badRequest("\"\(email)\" is not an email address.")
        }
        guard name != nil || email != nil else { throw HelpDeskError.badRequest("Give a name or an email.") }
        guard (name?.count ?? 0) <= 200 else { throw HelpDeskError.badRequest("A name holds at most 200 characters.") }
        let intake = Intake(tickets: try await desk.catalog.schema(for: ObjectType.tickets.name),
                            contacts: try await desk.catalog.schema(for: ObjectType.contacts.name), roster: desk.routingRoster, now: desk.clock(), logger: desk.logger)
        let now = intake.now
        let system = Caller.system(source: "CHAT")
        var updated = visitor
        if let name { updated.name = name }
        if let email { updated.email = email }
        let changed = updated
        return try await desk.database.write { session in
            var result = changed
            var events: [FeedEvent] = []
            if let email {
                let (id, created) = try await intake.contact(email: email, name: result.name, source: system.source, session: session)
                events += created
                if let contactID = id.flatMap({ Int64($0) }) {
                    result.contactID = String(contactID)
                    let association = AssociationType.defaultType(from: ObjectType.tickets.id, to: ObjectType.contacts.id)
                    for ticketID in try await session.linkConversations(customerAddress: result.address, toContact: contactID) {
                        try await session.associate(fromType: ObjectType.tickets.id, fromID: ticketID, toType: ObjectType.contacts.id,
                                                    toID: contactID, type: association, now: now)
                        events.append(FeedEvent(recordID: String(ticketID), objectType: ObjectType.tickets.id, kind: .associated,
                                                property: ObjectType.contacts.id, newValue: String(contactID), actor: system.user.id,
                                                source: system.source, occurredAt: now))
                    }
                }
            }
            try await session.updateVisitor(result, seenAt: now)
            try session.append(events)
            return result
        }
    }

    /// C8, by an agent: the chat visitor behind a conversation is the contact with this email,
    /// an existing one or (with the name) a new one; every conversation of the visitor and its
    /// ticket are linked to it, and the visitor's next chats too. Returns the contact and whether
    /// it was made.
    public func linkVisitor(conversationID: String, email given: String, name: String?, by caller: Caller) async throws
        -> (contactID: String, created: Bool) {
        let conversation = try await desk.conversations.get(id: conversationID, by: caller)
        try caller.check(.writeRecords(.contacts))
        try caller.check(.writeRecords(.tickets))
        let email = Channel.normalizedAddress(given)
        guard Channel.isValidEmailAddress(email) else { throw HelpDeskError.badRequest("\"\(given)\" is not an email address.") }
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        guard (name?.count ?? 0) <= 200 else { throw HelpDeskError.badRequest("A name holds at most 200 characters.") }
        guard let visitorID = Visitor.id(ofAddress: conversation.customerAddress) else {
            throw HelpDeskError.badRequest("Conversation \(conversationID) is not with a chat visitor; its customer is \(conversation.customerAddress).")
        }
        let intake = Intake(tickets: try await desk.catalog.schema(for: ObjectType.tickets.name),
                            contacts: try await desk.catalog.schema(for: ObjectType.contacts.name), roster: desk.routingRoster, now: desk.clock(), logger: desk.logger)
        let now = intake.now, actor = caller.user.id, source = caller.source
        return try await desk.database.write { session in
            let (id, created) = try await intake.contact(email: email, name: name, source: source, session: session)
            guard let contactID = id.flatMap({ Int64($0) }) else {
                throw HelpDeskError.unavailable("The contact \(email) could not be read back; try again.")
            }
            var events = created
            let association = AssociationType.defaultType(from: ObjectType.tickets.id, to: ObjectType.contacts.id)
            for ticketID in try await session.linkConversations(customerAddress: conversation.customerAddress, toContact: contactID) {
                try await session.associate(fromType: ObjectType.tickets.id, fromID: ticketID, toType: ObjectType.contacts.id,
                                            toID: contactID, type: association, now: now)
                events.append(FeedEvent(recordID: String(ticketID), objectType: ObjectType.tickets.id, kind: .associated,
                                        property: ObjectType.contacts.id, newValue: String(contactID), actor: actor, source: source,
                                        occurredAt: now))
            }
            try await session.linkVisitor(id: visitorID, toContact: contactID, email: email, name: name)
            try session.append(events)
            return (String(contactID), created.contains { $0.kind == .created })
        }
    }

    /// Rings whenever something is said in one of the visitor's chats, on this server.
    public func listen(to visitor: Visitor) -> (token: Int, signals: AsyncStream<Void>) {
        desk.chatBell.listen(to: visitor.address)
    }

    public func stopListening(to visitor: Visitor, token: Int) {
        desk.chatBell.stopListening(to: visitor.address, token: token)
    }

    /// The chatbot steps aside: people take the chat, and it gets its ticket (C2), routed by the
    /// channel's rule when `routing` is given (A3: a chatflow switches assignment on).
    static func handOff(_ chat: inout Conversation, channel: Channel, tickets: RecordSchema, now: Timestamp,
                        routing: TicketRouting? = nil, session: StoreSession) async throws -> [FeedEvent] {
        guard chat.withBot else { return [] }
        chat.withBot = false
        let transcript = try await session.messages(conversationID: chat.id).filter { $0.direction != .comment }
            .map { "\($0.senderName ?? ($0.direction == .incoming ? "Visitor" : "Team")): \($0.text)" }.joined(separator: "\n")
        var events: [FeedEvent] = []
        let handedOver = IncomingMessage(channel: channel, source: "CHAT", sender: IncomingMessage.Sender(address: chat.customerAddress),
                                         subject: chat.subject, text: transcript, threading: .customer)
        if chat.ticketID == nil, var properties = IntakePlan.ticketProperties(for: handedOver, tickets: tickets) {
            let decision = try await routing?.route(&properties, on: channel, contactID: chat.contactID, session: session)
            let links = chat.contactID.flatMap { Int64($0) }.map {
                [RecordService.Link(type: .contacts, id: $0, association: .defaultType(from: ObjectType.tickets.id, to: ObjectType.contacts.id))]
            } ?? []
            let (records, created) = try await Intake.create(properties, schema: tickets, links: links, by: .system(source: "CHAT"),
                                                             now: now, session: session)
            chat.ticketID = records.first?.id
            events = created
            if let decision, let ticketID = chat.ticketID {
                try await routing?.record(decision, ticketID: ticketID, channelID: channel.id, session: session)
            }
        }
        try await session.updateConversation(chat)
        return events
    }

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }
}

/// Wakes the chat sockets of a visitor, on this server, when something is said in their chats:
/// rung by the feed, so a message stored by any server reaches every socket.
final class ChatBell: Sendable {
    private struct Listeners {
        var next = 0
        var byAddress: [String: [Int: AsyncStream<Void>.Continuation]] = [:]
    }

    private let listeners = NIOLockedValueBox(Listeners())

    func listen(to address: String) -> (token: Int, signals: AsyncStream<Void>) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let token = listeners.withLockedValue { listeners in
            listeners.next += 1
            listeners.byAddress[address, default: [:]][listeners.next] = continuation
            return listeners.next
        }
        return (token, stream)
    }

    func stopListening(to address: String, token: Int) {
        let continuation = listeners.withLockedValue { listeners in
            let removed = listeners.byAddress[address]?.removeValue(forKey: token)
            if listeners.byAddress[address]?.isEmpty == true { listeners.byAddress[address] = nil }
            return removed
        }
        continuation?.finish()
    }

    /// Whether any socket listens, so that nothing is looked up for none.
    var isListened: Bool {
        listeners.withLockedValue { !$0.byAddress.isEmpty }
    }

    func ring(_ address: String) {
        let waiting = listeners.withLockedValue { Array(($0.byAddress[address] ?? [:]).values) }
        for continuation in waiting { continuation.yield() }
    }
}
