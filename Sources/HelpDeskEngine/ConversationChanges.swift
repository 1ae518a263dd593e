import HelpDeskCore
import HelpDeskStore

/// What an agent changes on a conversation: its status and owner (C5, C6), the ticket it belongs
/// to (C4), and the trash (C7). Each change is one transaction with what follows from it.
extension ConversationService {
    /// Fields to change on a conversation; `nil` leaves one as it is.
    public struct Change: Sendable {
        public var status: Conversation.Status?
        /// The new owner's user id; `.some(nil)` unassigns.
        public var ownerID: String??

        public init(status: Conversation.Status? = nil, ownerID: String?? = nil) {
            self.status = status
            self.ownerID = ownerID
        }
    }

    /// Closes or reopens one conversation (its ticket stays as it is, C6) or gives it an owner,
    /// whom its ticket takes too (C5).
    public func update(id: String, _ change: Change, by caller: Caller) async throws -> Conversation {
        let conversation = try await get(id: id, by: caller)
        if conversation.ticketID != nil { try caller.check(.writeRecords(.tickets)) }
        if let owner = change.ownerID ?? nil {
            try await desk.records.checkPeople([[Record.ownerProperty: owner]])
        }
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        let now = desk.clock()
        return try await desk.database.write { session in
            try await session.lockRecords(ids: [conversation.ticketID.flatMap { Int64($0) }].compactMap { $0 })
            guard let before = try await session.conversation(id: conversation.id, locking: true) else {
                throw HelpDeskError.notFound("Conversation \(id) does not exist.")
            }
            var current = before
            if let status = change.status {
                current = ConversationCascade.statusSet(status, on: current, at: now)
            }
            var ticketOwner: String?
            if let owner = change.ownerID {
                (current, ticketOwner) = ConversationCascade.ownerSet(owner, on: current)
            }
            try await session.updateConversation(current)
            try session.append(Self.changes(from: before, to: current, by: caller, at: now))
            if let ticketOwner, let ticketID = current.ticketID.flatMap({ Int64($0) }),
               let ticket = try await session.records(type: .tickets, ids: [ticketID]).first {
                let write: RecordWrite
                do {
                    write = try RecordWrite.update(ticket.properties, with: [Record.ownerProperty: ticketOwner], schema: tickets, now: now)
                } catch let error as RecordInputError {
                    throw HelpDeskError.invalidInput(error)
                }
                try await RecordService.apply([(ticket, write)], schema: tickets, actor: caller.user.id, source: caller.source,
                                              now: now, session: session)
            }
            return current
        }
    }

    /// C4: makes a ticket of a conversation that has none. Its subject, owner, status and
    /// contact carry over; `properties` (pipeline, status, subject, priority, ...) override them.
    public func createTicket(conversationID: String, properties given: [String: String], by caller: Caller) async throws
        -> (ticket: Record, conversation: Conversation) {
        let conversation = try await get(id: conversationID, by: caller)
        try caller.check(.writeRecords(.tickets))
        if let ticketID = conversation.ticketID {
            throw HelpDeskError.conflict(ConversationRuleError.alreadyOnThisTicket(conversation: conversation.id, ticket: ticketID).description)
        }
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        let (channel, first) = try await desk.database.read { session in
            (try await session.channel(id: conversation.channelID),
             try await session.messages(conversationID: conversation.id, limit: 20).first { $0.direction == .incoming })
        }
        let pipelineID = given["hs_pipeline"] ?? channel?.pipelineID ?? ""
        guard let pipeline = tickets.pipeline(pipelineID) ?? (given["hs_pipeline"] == nil ? tickets.defaultPipeline : nil) else {
            throw HelpDeskError.badRequest("Pipeline \(pipelineID) does not exist for tickets.")
        }
        let write: RecordWrite
        do {
            let properties = try ConversationCascade.ticketProperties(
                from: conversation, on: channel?.kind ?? .custom, text: first?.text ?? "", pipeline: pipeline, given: given)
            write = try RecordWrite.create(properties, schema: tickets, now: desk.clock())
        } catch let error as ConversationRuleError {
            throw HelpDeskError.badRequest(error.description)
        } catch let error as RecordInputError {
            throw HelpDeskError.invalidInput(error)
        }
        try await desk.records.checkPeople([write.properties])
        let now = desk.clock()
        return try await desk.database.write { session in
            guard let current = try await session.conversation(id: conversation.id, locking: true) else {
                throw HelpDeskError.notFound("Conversation \(conversationID) does not exist.")
            }
            if let ticketID = current.ticketID {
                throw HelpDeskError.conflict(ConversationRuleError.alreadyOnThisTicket(conversation: current.id, ticket: ticketID).description)
            }
            let links = current.contactID.flatMap { Int64($0) }.map {
                [RecordService.Link(type: .contacts, id: $0, association: .defaultType(from: ObjectType.tickets.id, to: ObjectType.contacts.id))]
            } ?? []
            let creation = RecordService.Creation(write: write, stored: NewRecord(properties: write.properties, schema: tickets, createdAt: now),
                                                  links: links, caller: caller, at: now)
            let (records, events) = try await RecordService.insert([creation], schema: tickets, session: session)
            guard let ticket = records.first else { throw HelpDeskError.conflict("The ticket could not be stored.") }
            let attached = try Self.attach(current, to: ticket.id)
            try await session.updateConversation(attached)
            try session.append(events + [Self.joined(attached, by: caller, at: now)])
            return (ticket, attached)
        }
    }

    /// C4: adds a conversation that has no ticket to an existing ticket (a ticket may have several).
    public func attach(conversationID: String, toTicket ticketID: String, by caller: Caller) async throws -> Conversation {
        let conversation = try await get(id: conversationID, by: caller)
        try caller.check(.writeRecords(.tickets))
        _ = try Self.attach(conversation, to: ticketID)
        let user = caller.user
        let now = desk.clock()
        return try await desk.database.write { session in
            guard let numeric = Int64(ticketID), let ticket = try await session.records(type: .tickets, ids: [numeric]).first,
                  RecordService.visible(ticket, to: user, type: .tickets) else {
                throw HelpDeskError.notFound("Ticket \(ticketID) does not exist.")
            }
            guard let current = try await session.conversation(id: conversation.id, locking: true) else {
                throw HelpDeskError.notFound("Conversation \(conversationID) does not exist.")
            }
            let attached = try Self.attach(current, to: ticket.id)
            try await session.updateConversation(attached)
            if let contact = attached.contactID.flatMap({ Int64($0) }) {
                try await session.associate(fromType: ObjectType.tickets.id, fromID: numeric, toType: ObjectType.contacts.id, toID: contact,
                                            type: .defaultType(from: ObjectType.tickets.id, to: ObjectType.contacts.id), now: now)
            }
            try session.append([Self.joined(attached, by: caller, at: now)])
            return attached
        }
    }

    /// C7: moves a conversation to the trash. Its ticket is deleted with it, and so are the
    /// ticket's other conversations; all can be restored for `Trash.retentionDays` days.
    @discardableResult
    public func trash(id: String, by caller: Caller) async throws -> Conversation {
        let conversation = try await get(id: id, by: caller)
        if conversation.ticketID != nil { try caller.check(.writeRecords(.tickets)) }
        let now = desk.clock()
        return try await desk.database.write { session in
            try await session.lockRecords(ids: [conversation.ticketID.flatMap { Int64($0) }].compactMap { $0 })
            guard var current = try await session.conversation(id: conversation.id, locking: true) else {
                throw HelpDeskError.notFound("Conversation \(id) does not exist.")
            }
            current.trashedAt = now
            if let ticketID = current.ticketID.flatMap({ Int64($0) }) {
                try await session.archiveRecords(ids: [ticketID], now: now)
                try await session.trashConversations(ticketIDs: [ticketID], at: now)
                try session.append([FeedEvent(recordID: String(ticketID), objectType: ObjectType.tickets.id, kind: .archived,
                                              actor: caller.user.id, source: caller.source, occurredAt: now)])
            } else {
                try await session.updateConversation(current)
            }
            try session.append([FeedEvent(recordID: current.ticketID, conversationID: Int64(current.id),
                                          objectType: ObjectType.tickets.id, kind: .conversationTrashed, actor: caller.user.id,
                                          source: caller.source, occurredAt: now)])
            return current
        }
    }

    /// C7: takes a conversation out of the trash, with its ticket and the ticket's other
    /// conversations, while the trash still keeps them.
    public func restore(id: String, by caller: Caller) async throws -> Conversation {
        try caller.check(.workConversations)
        let user = caller.user
        let now = desk.clock()
        return try await desk.database.write { session in
            if let ticketID = try await session.conversation(id: id, trashed: true)?.ticketID.flatMap({ Int64($0) }) {
                try await session.lockRecords(ids: [ticketID])
            }
            guard let trashed = try await session.conversation(id: id, trashed: true, locking: true),
                  try await Self.visible(trashed, to: user, session: session, trashed: true) else {
                if let live = try await session.conversation(id: id), try await Self.visible(live, to: user, session: session) {
                    return live
                }
                throw HelpDeskError.notFound("Conversation \(id) is not in the trash.")
            }
            if trashed.ticketID != nil { try caller.check(.writeRecords(.tickets)) }
            guard let trashedAt = trashed.trashedAt, Trash.isRestorable(trashedAt: trashedAt, now: now) else {
                throw HelpDeskError.conflict("Conversation \(id) went to the trash more than \(Trash.retentionDays) days ago and can no longer be restored.")
            }
            return try await Self.bringBack(trashed, by: caller, at: now, session: session)
        }
    }

    /// Takes a trashed conversation out of the trash, with its ticket and the ticket's other
    /// trashed conversations; the caller has locked the ticket.
    static func bringBack(_ trashed: Conversation, by caller: Caller, at now: Timestamp, session: StoreSession) async throws -> Conversation {
        var restored = trashed
        restored.trashedAt = nil
        if let ticketID = trashed.ticketID.flatMap({ Int64($0) }) {
            try await restoreTicket(ticketID, by: caller, at: now, session: session)
        } else {
            try await session.updateConversation(restored)
            try session.append([FeedEvent(recordID: nil, conversationID: Int64(restored.id), objectType: ObjectType.tickets.id,
                                          kind: .conversationRestored, actor: caller.user.id, source: caller.source, occurredAt: now)])
        }
        return restored
    }

    /// C7: takes a deleted ticket out of the archive with the conversations trashed with it; the
    /// caller has locked the ticket.
    static func restoreTicket(_ ticketID: Int64, by caller: Caller, at now: Timestamp, session: StoreSession) async throws {
        try await session.restoreRecords(ids: [ticketID])
        var events = [FeedEvent(recordID: String(ticketID), objectType: ObjectType.tickets.id, kind: .restored,
                                actor: caller.user.id, source: caller.source, occurredAt: now)]
        for var conversation in try await session.conversations(ticketIDs: [ticketID], trashed: true) {
            conversation.trashedAt = nil
            try await session.updateConversation(conversation)
            events.append(FeedEvent(recordID: String(ticketID), conversationID: Int64(conversation.id), objectType: ObjectType.tickets.id,
                                    kind: .conversationRestored, actor: caller.user.id, source: caller.source, occurredAt: now))
        }
        try session.append(events)
    }

    /// Deletes for good what the trash no longer keeps. Returns how many conversations went.
    @discardableResult
    public func purgeTrash() async throws -> Int {
        let limit = Trash.purgeLimit(now: desk.clock())
        var total = 0
        while true {
            let purged = try await desk.database.write { try await $0.purgeTrash(before: limit) }
            total += purged
            if purged == 0 { return total }
        }
    }

    static func attach(_ conversation: Conversation, to ticketID: String) throws(HelpDeskError) -> Conversation {
        do {
            return try ConversationCascade.attach(conversation, to: ticketID)
        } catch {
            throw .conflict(error.description)
        }
    }

    /// The ticket's timeline entry for a conversation that became part of it.
    static func joined(_ conversation: Conversation, by caller: Caller, at now: Timestamp) -> FeedEvent {
        FeedEvent(recordID: conversation.ticketID, conversationID: Int64(conversation.id), objectType: ObjectType.tickets.id,
                  kind: .associated, property: "conversations", newValue: conversation.id, actor: caller.user.id, source: caller.source,
                  occurredAt: now)
    }

    /// The feed's entries for what changed on a conversation: its status and its owner.
    static func changes(from before: Conversation, to after: Conversation, by caller: Caller, at now: Timestamp) -> [FeedEvent] {
        var events: [FeedEvent] = []
        guard let id = Int64(after.id) else { return events }
        if before.status != after.status {
            events.append(.conversation(id, ticketID: after.ticketID, changed: "status", from: before.status.rawValue,
                                        to: after.status.rawValue, actor: caller.user.id, source: caller.source, at: now))
        }
        if before.ownerID != after.ownerID {
            events.append(.conversation(id, ticketID: after.ticketID, changed: "owner", from: before.ownerID, to: after.ownerID,
                                        actor: caller.user.id, source: caller.source, at: now))
        }
        return events
    }
}
