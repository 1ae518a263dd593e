import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/conversations/v3/conversations`: connected channels (channel accounts), threads and their
/// messages, shaped like the commercial product's Conversations API.
struct ConversationRoutes {
    let desk: HelpDesk

    struct DeliveryIdentifierJSON: Codable {
        var type: String
        var value: String
    }

    struct ChannelAccountJSON: Encodable {
        var id: String
        var channelId: String
        var name: String
        var active: Bool
        var archived: Bool
        var createdAt: String
        var deliveryIdentifier: DeliveryIdentifierJSON
        var pipelineId: String
        var createsTickets: Bool
        var outboundUrl: String?
        var hasSigningSecret: Bool
        var hasVerifyToken: Bool
        var hasAccessToken: Bool
        var openingHours: OpeningHoursJSON?
        var voicemailGreeting: String?
        var forwardTo: [String]?
        var acknowledgement: String?
        var chatbot: ChatbotJSON?

        init(_ channel: Channel) {
            id = channel.id
            channelId = channel.kind.rawValue
            name = channel.name
            active = !channel.archived
            archived = channel.archived
            createdAt = channel.createdAt.isoString
            deliveryIdentifier = DeliveryIdentifierJSON(
                type: channel.kind == .email ? "HS_EMAIL_ADDRESS" : channel.kind == .call ? "HS_PHONE_NUMBER" : "CHANNEL_SPECIFIC_OPAQUE_ID",
                value: channel.address)
            pipelineId = channel.pipelineID
            createsTickets = channel.createsTickets
            outboundUrl = channel.settings.outboundURL
            hasSigningSecret = channel.settings.signingSecret != nil
            hasVerifyToken = channel.settings.verifyToken != nil
            hasAccessToken = channel.settings.accessToken != nil
            openingHours = channel.settings.openingHours.map(OpeningHoursJSON.init)
            voicemailGreeting = channel.settings.voicemailGreeting
            forwardTo = channel.settings.forwardTo
            acknowledgement = channel.settings.acknowledgement
            chatbot = channel.settings.chatbot.map(ChatbotJSON.init)
        }
    }

    struct ChannelAccountInput: Decodable {
        var channelId: String?
        var name: String?
        var deliveryIdentifier: DeliveryIdentifierJSON?
        var pipelineId: String?
        var createsTickets: Bool?
        var outboundUrl: String?
        var signingSecret: String?
        var verifyToken: String?
        var accessToken: String?
        var openingHours: OpeningHoursJSON?
        var voicemailGreeting: String?
        var forwardTo: [String]?
        var acknowledgement: String?
        var chatbot: ChatbotJSON?

        func settings() throws -> ChannelSettings {
            var hours: OpeningHours?
            if let openingHours {
                do {
                    hours = try OpeningHours(timeZone: openingHours.timeZone, byName: openingHours.days)
                } catch {
                    throw APIError.badRequest(error.description)
                }
            }
            return ChannelSettings(outboundURL: outboundUrl, signingSecret: signingSecret, verifyToken: verifyToken,
                                   accessToken: accessToken, openingHours: hours, voicemailGreeting: voicemailGreeting,
                                   forwardTo: forwardTo, acknowledgement: acknowledgement, chatbot: try chatbot?.chatbot())
        }

        var changesSettings: Bool {
            outboundUrl != nil || signingSecret != nil || verifyToken != nil || accessToken != nil || openingHours != nil
                || voicemailGreeting != nil || forwardTo != nil || acknowledgement != nil || chatbot != nil
        }
    }

    /// A live chat's rule-based bot; what is left out takes the defaults.
    struct ChatbotJSON: Codable {
        struct Rule: Codable {
            var keywords: [String]
            var answer: String
        }

        var name: String?
        var greeting: String?
        var rules: [Rule]?
        var handOffKeywords: [String]?
        var handOffMessage: String?
        var fallback: String?

        init(_ bot: Chatbot) {
            name = bot.name
            greeting = bot.greeting
            rules = bot.rules.map { Rule(keywords: $0.keywords, answer: $0.answer) }
            handOffKeywords = bot.handOffKeywords
            handOffMessage = bot.handOffMessage
            fallback = bot.fallback
        }

        func chatbot() throws -> Chatbot {
            let defaults = Chatbot(rules: [])
            let bot = Chatbot(name: name ?? defaults.name, greeting: greeting ?? defaults.greeting,
                              rules: (rules ?? []).map { Chatbot.Rule(keywords: $0.keywords, answer: $0.answer) },
                              handOffKeywords: handOffKeywords ?? defaults.handOffKeywords,
                              handOffMessage: handOffMessage ?? defaults.handOffMessage, fallback: fallback ?? defaults.fallback)
            let texts = [bot.name, bot.greeting, bot.handOffMessage, bot.fallback] + bot.rules.map(\.answer)
            guard bot.rules.count <= 200, texts.allSatisfy({ $0.count <= 4_000 }),
                  bot.rules.allSatisfy({ !$0.keywords.isEmpty && !$0.answer.isEmpty }) else {
                throw APIError.badRequest("A chatbot has at most 200 rules, each with keywords and an answer, and texts of at most 4,000 characters.")
            }
            return bot
        }
    }

    /// `{"timeZone": "Europe/Paris", "monday": ["09:00-12:30", "14:00-18:00"], ...}`
    struct OpeningHoursJSON: Codable {
        var timeZone: String
        var days: [String: [String]]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(_ hours: OpeningHours) {
            timeZone = hours.timeZone
            days = hours.byName
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            timeZone = try container.decode(String.self, forKey: Key(stringValue: "timeZone"))
            var days: [String: [String]] = [:]
            for key in container.allKeys where key.stringValue != "timeZone" {
                days[key.stringValue] = try container.decode([String].self, forKey: key)
            }
            self.days = days
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(timeZone, forKey: Key(stringValue: "timeZone"))
            for (day, ranges) in days { try container.encode(ranges, forKey: Key(stringValue: day)) }
        }
    }

    struct ThreadJSON: Encodable {
        var id: String
        var createdAt: String
        var status: String
        var closedAt: String?
        var originalChannelId: String
        var originalChannelAccountId: String
        var latestMessageTimestamp: String
        var spam = false
        var archived: Bool
        var archivedAt: String?
        var assignedTo: String?
        var associatedContactId: String?
        var associatedTicketId: String?
        var subject: String
        var handledByBot: Bool

        init(_ conversation: Conversation, channels: [String: Channel]) {
            id = conversation.id
            createdAt = conversation.createdAt.isoString
            status = conversation.status.rawValue
            closedAt = conversation.closedAt?.isoString
            originalChannelId = channels[conversation.channelID]?.kind.rawValue ?? Channel.Kind.custom.rawValue
            originalChannelAccountId = conversation.channelID
            latestMessageTimestamp = conversation.latestMessageAt.isoString
            archived = conversation.trashedAt != nil
            archivedAt = conversation.trashedAt?.isoString
            assignedTo = conversation.ownerID
            associatedContactId = conversation.contactID
            associatedTicketId = conversation.ticketID
            subject = conversation.subject
            handledByBot = conversation.withBot
        }
    }

    struct Paging: Encodable {
        struct Next: Encodable { var after: String }
        var next: Next
    }

    struct ThreadPageJSON: Encodable {
        var results: [ThreadJSON]
        var paging: Paging?
    }

    struct MessageJSON: Encodable {
        struct Actor: Encodable {
            var actorId: String
            var name: String?
            var deliveryIdentifier: DeliveryIdentifierJSON?
        }

        struct Recipient: Encodable {
            var deliveryIdentifier: DeliveryIdentifierJSON
            var recipientField: String
        }

        struct Attachment: Encodable {
            var id: String
            var name: String
            var type = "FILE"
            var contentType: String
            var size: Int
            var inline: Bool
            var url: String
        }

        struct Status: Encodable {
            struct Failure: Encodable { var errorMessage: String }
            var statusType: String
            var failureDetails: Failure?
            var attempts: Int?
        }

        var type: String
        var id: String
        var conversationsThreadId: String
        var createdAt: String
        var createdBy: String
        var senders: [Actor]
        var recipients: [Recipient]
        var archived = false
        var text: String
        var richText: String?
        var subject: String
        var truncationStatus = "NOT_TRUNCATED"
        var inReplyToId: String?
        var status: Status
        var direction: String
        var channelId: String
        var channelAccountId: String
        var attachments: [Attachment]
        var isForward: Bool
        var repliesToForward: Bool
        var automatic: String?

        init(_ message: ConversationMessage, channel: Channel?) {
            let email = (channel?.kind ?? .email) == .email
            func identifier(_ address: String) -> DeliveryIdentifierJSON {
                DeliveryIdentifierJSON(type: email ? "HS_EMAIL_ADDRESS" : "CHANNEL_SPECIFIC_OPAQUE_ID", value: address)
            }
            type = message.direction == .comment ? "COMMENT" : "MESSAGE"
            id = message.id
            conversationsThreadId = message.conversationID
            createdAt = message.createdAt.isoString
            createdBy = message.authorID.map { "A-\($0)" } ?? "V-\(message.senderAddress)"
            senders = [Actor(actorId: createdBy, name: message.senderName, deliveryIdentifier: identifier(message.senderAddress))]
            recipients = message.to.map { Recipient(deliveryIdentifier: identifier($0), recipientField: "TO") }
                + message.cc.map { Recipient(deliveryIdentifier: identifier($0), recipientField: "CC") }
            text = message.text
            richText = message.html
            subject = message.subject
            inReplyToId = message.inReplyTo
            switch (message.direction, message.delivery) {
            case (.incoming, _): status = Status(statusType: "RECEIVED")
            case (_, let delivery?):
                status = Status(statusType: delivery.status.rawValue, failureDetails: delivery.lastError.map { .init(errorMessage: $0) },
                                attempts: delivery.attempts)
            case (_, nil): status = Status(statusType: "SENT")
            }
            direction = message.direction == .comment ? "OUTGOING" : message.direction.rawValue
            channelId = channel?.kind.rawValue ?? Channel.Kind.custom.rawValue
            channelAccountId = channel?.id ?? ""
            attachments = message.attachments.map {
                Attachment(id: $0.id, name: $0.filename, contentType: $0.contentType, size: $0.size, inline: $0.inline,
                           url: "/conversations/v3/conversations/attachments/\($0.id)")
            }
            isForward = message.isForward
            repliesToForward = message.repliesToForward
            automatic = message.automatic?.rawValue
        }
    }

    struct MessageInput: Decodable {
        struct Recipient: Decodable {
            var deliveryIdentifier: DeliveryIdentifierJSON
            var recipientField: String?
        }

        var type: String?
        var text: String?
        var richText: String?
        var recipients: [Recipient]?
        var channelAccountId: String?
        var inReplyToId: String?
        var subject: String?
        /// R5: the ticket's status, set with the message.
        var ticketStatus: String?
    }

    /// A change to a thread. `assignedTo` given as null unassigns, which absent does not.
    struct ThreadChangeInput: Decodable {
        var status: String?
        var archived: Bool?
        var assignedTo: String??

        enum CodingKeys: String, CodingKey { case status, archived, assignedTo }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            archived = try container.decodeIfPresent(Bool.self, forKey: .archived)
            if container.contains(.assignedTo) {
                assignedTo = try container.decodeNil(forKey: .assignedTo) ? .some(nil)
                    : .some(try container.decode(String.self, forKey: .assignedTo))
            }
        }
    }

    struct TicketInput: Decodable {
        var properties: [String: PropertyValue]?
    }

    struct MessagePageJSON: Encodable {
        var results: [MessageJSON]
    }

    func register(_ section: RouteBook.Section) {
        section.add(.get, "channel-accounts", "getChannelAccounts", "List the connected channels", response: "ChannelAccountList") { _, context in
            let channels = try await desk.channels.list(by: try context.requireCaller())
            return try JSONBody.response(["results": channels.map(ChannelAccountJSON.init)])
        }
        section.add(.post, "channel-accounts", "createChannelAccount", "Connect a channel, such as a team email address",
                    request: "ChannelAccountInput", response: "ChannelAccount", status: 201, errors: [400, 409, 413]) { request, context in
            let input = try await JSONBody.decode(ChannelAccountInput.self, from: request)
            guard let address = input.deliveryIdentifier?.value else {
                throw APIError.badRequest("Give the channel's address in deliveryIdentifier.value, e.g. support@example.com.")
            }
            let kindName = (input.channelId ?? "EMAIL").uppercased()
            guard let kind = Channel.Kind(rawValue: kindName) else {
                throw APIError.badRequest("channelId \"\(kindName)\" is not a channel kind; use one of "
                    + Channel.Kind.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            let channel = try await desk.channels.create(
                ChannelDraft(kind: kind, address: address, name: input.name, pipelineID: input.pipelineId,
                             createsTickets: input.createsTickets ?? true, settings: try input.settings()), by: try context.requireCaller())
            return try JSONBody.response(ChannelAccountJSON(channel), status: .created)
        }
        section.add(.get, "channel-accounts/:channelAccountId", "getChannelAccount", "Read a connected channel",
                    response: "ChannelAccount") { _, context in
            let channel = try await desk.channels.get(id: try context.parameters.require("channelAccountId"), by: try context.requireCaller())
            return try JSONBody.response(ChannelAccountJSON(channel))
        }
        section.add(.patch, "channel-accounts/:channelAccountId", "updateChannelAccount",
                    "Rename a channel, move it to another pipeline, or switch its ticket creation (C1)",
                    request: "ChannelAccountInput", response: "ChannelAccount") { request, context in
            let input = try await JSONBody.decode(ChannelAccountInput.self, from: request)
            let channel = try await desk.channels.update(
                id: try context.parameters.require("channelAccountId"), name: input.name, pipelineID: input.pipelineId,
                createsTickets: input.createsTickets, settings: input.changesSettings ? try input.settings() : nil, by: try context.requireCaller())
            return try JSONBody.response(ChannelAccountJSON(channel))
        }
        section.add(.delete, "channel-accounts/:channelAccountId", "archiveChannelAccount",
                    "Disconnect a channel; its conversations stay", status: 204) { _, context in
            try await desk.channels.archive(id: try context.parameters.require("channelAccountId"), by: try context.requireCaller())
            return JSONBody.noContent()
        }
        section.add(.get, "threads", "getThreads", "List conversations, most recently active first", response: "ThreadPage",
                    query: [("limit", "1 to 500"), ("after", "Cursor"), ("threadStatus", "OPEN or CLOSED"),
                            ("associatedTicketId", "Only this ticket's conversations"),
                            ("inbox", "true for conversations without a ticket"),
                            ("archived", "true for the trash")]) { request, context in
            try await threads(request, context)
        }
        section.add(.get, "threads/:threadId", "getThread", "Read a conversation", response: "Thread") { _, context in
            let caller = try context.requireCaller()
            let conversation = try await desk.conversations.get(id: try context.parameters.require("threadId"), by: caller)
            return try JSONBody.response(ThreadJSON(conversation, channels: try await channelsByID(caller)))
        }
        section.add(.patch, "threads/:threadId", "updateThread",
                    "Close or reopen a conversation (C6), assign it (C5, its ticket follows), or restore it from the trash (archived: false)",
                    request: "ThreadChangeInput", response: "Thread", errors: [400, 404, 409, 413]) { request, context in
            try await updateThread(request, context)
        }
        section.add(.delete, "threads/:threadId", "archiveThread",
                    "Move a conversation to the trash with its ticket and the ticket's other conversations (C7)", status: 204) { _, context in
            try await desk.conversations.trash(id: try context.parameters.require("threadId"), by: try context.requireCaller())
            return JSONBody.noContent()
        }
        section.add(.post, "threads/:threadId/ticket", "createThreadTicket",
                    "Make a ticket of a conversation from the inbox; its subject, owner, status and contact carry over (C4)",
                    request: "TicketInput", response: "SimplePublicObject", status: 201, errors: [400, 404, 409, 413]) { request, context in
            let input = try await JSONBody.decode(TicketInput.self, from: request)
            let (ticket, _) = try await desk.conversations.createTicket(
                conversationID: try context.parameters.require("threadId"), properties: PropertyValue.strings(input.properties),
                by: try context.requireCaller())
            return JSONBody.response(RecordJSON(ticket, schemaDefaults: []), status: .created)
        }
        section.add(.put, "threads/:threadId/ticket/:ticketId", "attachThreadToTicket",
                    "Add a conversation without a ticket to an existing ticket (C4: it never leaves it)", response: "Thread",
                    errors: [404, 409]) { _, context in
            let caller = try context.requireCaller()
            let conversation = try await desk.conversations.attach(
                conversationID: try context.parameters.require("threadId"), toTicket: try context.parameters.require("ticketId"), by: caller)
            return try JSONBody.response(ThreadJSON(conversation, channels: try await channelsByID(caller)))
        }
        section.add(.get, "threads/:threadId/messages", "getThreadMessages", "A conversation's messages and comments, oldest first",
                    response: "MessagePage") { _, context in
            let caller = try context.requireCaller()
            let id: String = try context.parameters.require("threadId")
            let conversation = try await desk.conversations.get(id: id, by: caller)
            let messages = try await desk.conversations.messages(conversationID: id, by: caller)
            let channel = try await channelsByID(caller)[conversation.channelID]
            return try JSONBody.response(MessagePageJSON(results: messages.map { MessageJSON($0, channel: channel) }))
        }
        section.add(.post, "threads/:threadId/messages", "sendThreadMessage",
                    "Reply to the customer (type MESSAGE, by email through the outbox) or comment for the team (type COMMENT)",
                    request: "MessageInput", response: "Message", status: 201, errors: [400, 404, 409, 413]) { request, context in
            try await send(request, context)
        }
        section.add(.get, "attachments/:attachmentId", "getAttachment", "Download a message's attachment",
                    also: [RouteAnswer.text(200, "application/octet-stream", "The attachment's bytes, to save rather than show")
                        .with(header: "Content-Disposition", "attachment, with the file's name")]) { _, context in
            let (summary, data) = try await desk.conversations.attachment(id: try context.parameters.require("attachmentId"),
                                                                           by: try context.requireCaller())
            var response = JSONBody.response(bytes: Array(data), status: .ok)
            // Never rendered inline by the browser: the bytes come from strangers.
            response.headers[.contentType] = "application/octet-stream"
            response.headers[.contentDisposition] = "attachment; filename*=UTF-8''" + Self.percentEncoded(summary.filename)
            response.headers[.init("X-Content-Type-Options")!] = "nosniff"
            return response
        }
    }

    func send(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id: String = try context.parameters.require("threadId")
        let input = try await JSONBody.decode(MessageInput.self, from: request)
        let message: ConversationMessage
        switch (input.type ?? "MESSAGE").uppercased() {
        case "COMMENT":
            message = try await desk.conversations.comment(conversationID: id, text: input.text ?? "", by: caller)
        case "MESSAGE":
            var to: [String]?, cc: [String] = [], bcc: [String] = []
            for recipient in input.recipients ?? [] {
                switch (recipient.recipientField ?? "TO").uppercased() {
                case "TO": to = (to ?? []) + [recipient.deliveryIdentifier.value]
                case "CC": cc.append(recipient.deliveryIdentifier.value)
                case "BCC": bcc.append(recipient.deliveryIdentifier.value)
                case let other: throw APIError.badRequest("recipientField must be TO, CC or BCC; \"\(other)\" given.")
                }
            }
            message = try await desk.conversations.reply(conversationID: id, ReplyDraft(
                text: input.text ?? "", html: input.richText, to: to, cc: cc, bcc: bcc, channelID: input.channelAccountId,
                inReplyTo: input.inReplyToId, subject: input.subject, status: input.ticketStatus), by: caller)
        case let other:
            throw APIError.badRequest("type must be MESSAGE or COMMENT; \"\(other)\" given.")
        }
        let conversation = try await desk.conversations.get(id: id, by: caller)
        let channel = try await channelsByID(caller)[conversation.channelID]
        return try JSONBody.response(MessageJSON(message, channel: channel), status: .created)
    }

    func updateThread(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id: String = try context.parameters.require("threadId")
        let input = try await JSONBody.decode(ThreadChangeInput.self, from: request)
        var status: Conversation.Status?
        if let text = input.status {
            guard let parsed = Conversation.Status(rawValue: text.uppercased()) else {
                throw APIError.badRequest("status must be OPEN or CLOSED; \"\(text)\" given.")
            }
            status = parsed
        }
        let owner = input.assignedTo.map { $0.map(Self.userID(fromActor:)) }
        if input.archived == true {
            guard status == nil, owner == nil else {
                throw APIError.badRequest("A conversation going to the trash takes no other change; send archived alone.")
            }
            let trashed = try await desk.conversations.trash(id: id, by: caller)
            return try JSONBody.response(ThreadJSON(trashed, channels: try await channelsByID(caller)))
        }
        var conversation = input.archived == false ? try await desk.conversations.restore(id: id, by: caller)
            : try await desk.conversations.get(id: id, by: caller)
        if status != nil || owner != nil {
            conversation = try await desk.conversations.update(id: id, .init(status: status, ownerID: owner), by: caller)
        }
        return try JSONBody.response(ThreadJSON(conversation, channels: try await channelsByID(caller)))
    }

    /// Agents appear as actors `A-<user id>`; a bare user id is taken as well.
    static func userID(fromActor actor: String) -> String {
        actor.hasPrefix("A-") ? String(actor.dropFirst(2)) : actor
    }

    func threads(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let query = request.uri.queryParameters
        let limit = try QueryNumber.read("limit", in: request, default: 50)
        var after: ConversationService.Cursor?
        if let text = query.get("after"), !text.isEmpty {
            guard let cursor = ConversationService.Cursor(text) else {
                throw APIError.badRequest("after must be the cursor from the previous page; \"\(text)\" is not one.")
            }
            after = cursor
        }
        var status: Conversation.Status?
        if let text = query.get("threadStatus") {
            guard let parsed = Conversation.Status(rawValue: text.uppercased()) else {
                throw APIError.badRequest("threadStatus must be OPEN or CLOSED; \"\(text)\" given.")
            }
            status = parsed
        }
        let (conversations, next) = try await desk.conversations.list(
            inboxOnly: query.get("inbox") == "true", ticketID: query.get("associatedTicketId"), status: status,
            trashed: query.get("archived") == "true", limit: limit, after: after, by: caller)
        let channels = try await channelsByID(caller)
        return try JSONBody.response(ThreadPageJSON(results: conversations.map { ThreadJSON($0, channels: channels) },
                                                    paging: next.map { Paging(next: .init(after: $0.text)) }))
    }

    func channelsByID(_ caller: Caller) async throws -> [String: Channel] {
        Dictionary(uniqueKeysWithValues: try await desk.channels.list(by: caller).map { ($0.id, $0) })
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? "attachment"
    }
}
