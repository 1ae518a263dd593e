import HelpDeskCore
import HelpDeskStore

/// What every channel does with a new customer and a new request, inside the transaction that
/// stores the message: find or make the customer's contact, and open the ticket in the
/// channel's pipeline (C2).
enum ChannelIntake {
    /// The contact with this email, else this phone number; made from them when there is none.
    /// `nil` when neither is known.
    static func contact(email: String?, phone: String?, name: String?, schema: RecordSchema, by caller: Caller, now: Timestamp,
                        session: StoreSession) async throws -> (id: Int64?, events: [FeedEvent]) {
        // Two first messages from one person, on any channels, make one contact.
        for key in [email, phone].compactMap({ $0 }) { try await session.lock("contact:\(key)") }
        for (property, value) in [("email", email), ("phone", phone)] {
            guard let value else { continue }
            if let id = try await session.recordIDs(type: .contacts, property: property, values: [value])[IndexedValue.searchable(value)] {
                return (id, [])
            }
        }
        guard email != nil || phone != nil else { return (nil, []) }
        var properties: [String: String] = [:]
        if let email { properties["email"] = email }
        if let phone { properties["phone"] = phone }
        let words = (name ?? "").split(separator: " ")
        if let first = words.first { properties["firstname"] = String(first) }
        if words.count > 1 { properties["lastname"] = words.dropFirst().joined(separator: " ") }
        let (records, events) = try await create(properties, schema: schema, links: [], by: caller, now: now, session: session)
        return (records.first.flatMap { Int64($0.id) }, events)
    }

    /// Opens the ticket of a new conversation in its channel's pipeline, at its first OPEN status,
    /// linked to the contact; none when the channel's switch is off (C1).
    static func ticket(on channel: Channel, subject: String, content: String, properties extra: [String: String] = [:],
                       contactID: Int64?, tickets: RecordSchema, by caller: Caller, now: Timestamp,
                       session: StoreSession) async throws -> (id: String?, events: [FeedEvent]) {
        guard channel.createsTickets, let pipeline = tickets.pipeline(channel.pipelineID) ?? tickets.defaultPipeline,
              let stage = pipeline.firstOpenStage else { return (nil, []) }
        var properties = extra
        properties["subject"] = subject.isEmpty ? "(no subject)" : subject
        properties["content"] = String(content.prefix(65_536))
        properties["hs_pipeline"] = pipeline.id
        properties["hs_pipeline_stage"] = stage.id
        properties["source_type"] = channel.kind.ticketSource
        let links = contactID.map {
            [RecordService.Link(type: .contacts, id: $0, association: .defaultType(from: ObjectType.tickets.id, to: ObjectType.contacts.id))]
        } ?? []
        let (records, events) = try await create(properties, schema: tickets, links: links, by: caller, now: now, session: session)
        return (records.first?.id, events)
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
