import HelpDeskCore
import HelpDeskMail
import HelpDeskStore

extension ConversationService {
    /// P5: an agent writes to a customer from a ticket, which starts a new thread on it (the
    /// first of a ticket made by hand). The contact is the one with the first address in `to`, or
    /// a new one, linked to the ticket; the conversation, its message and the mail to send are one
    /// transaction.
    public func start(ticketID: String, _ draft: ReplyDraft, by caller: Caller) async throws -> ConversationMessage {
        try caller.check(.writeRecords(.tickets))
        guard let ticket = try await desk.records.read(type: ObjectType.tickets.name, ids: [ticketID],
                                                       options: ReadOptions(properties: ["subject", Record.ownerProperty]),
                                                       by: caller).first?.record else {
            throw HelpDeskError.notFound("Ticket \(ticketID) does not exist, or you may not see it.")
        }
        let text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty || !(draft.html ?? "").isEmpty else { throw HelpDeskError.badRequest("A message needs a text.") }
        guard text.utf8.count <= Draft.maxTextBytes, (draft.html ?? "").utf8.count <= Draft.maxHTMLBytes else {
            throw HelpDeskError.badRequest("A message holds at most 64 KiB of text and 1 MiB of rich text.")
        }
        try draft.checkAttachments()
        let to = (draft.to ?? []).map(Channel.normalizedAddress)
        let cc = draft.cc.map(Channel.normalizedAddress), bcc = draft.bcc.map(Channel.normalizedAddress)
        guard let customer = to.first else { throw HelpDeskError.badRequest("Write the customer's email address in To.") }
        let everyone = to + cc + bcc
        guard everyone.count <= Self.maxRecipients else {
            throw HelpDeskError.badRequest("A message goes to at most \(Self.maxRecipients) recipients; \(everyone.count) given.")
        }
        if let bad = everyone.first(where: { !Channel.isValidEmailAddress($0) }) {
            throw HelpDeskError.badRequest("\"\(bad)\" is not an email address.")
        }
        let emailChannels = try await desk.database.read { try await $0.channels(kind: .email) }.filter { !$0.archived }
        guard let channel = draft.channelID.map({ id in emailChannels.first { $0.id == id } }) ?? emailChannels.first else {
            throw draft.channelID.map { HelpDeskError.badRequest("Channel \($0) is not a connected team email address to send from.") }
                ?? HelpDeskError.conflict("Connect a team email address before writing to customers.")
        }
        let contactID = try await desk.records.contact(email: customer, by: caller)
        _ = try await desk.associations.associate(ObjectType.tickets.name, ticket.id, with: ObjectType.contacts.name, contactID, by: caller)
        let html = draft.html.map { HTMLSanitizer.clean($0) }
        let plain = text.isEmpty ? html.map(HTMLText.plain) ?? "" : draft.text
        let subject = (ticket.properties["subject"] ?? "").isEmpty ? "Your request" : ticket.properties["subject"] ?? ""
        let now = desk.clock()
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        return try await desk.database.write { session in
            let conversation = try await session.insertConversation(Conversation(
                id: "", channelID: channel.id, ticketID: ticket.id, status: .open, ownerID: ticket.properties[Record.ownerProperty],
                contactID: contactID, customerAddress: customer, subject: subject, createdAt: now, latestMessageAt: now))
            return try await Self.storeEmail(
                in: conversation, answering: nil, subject: draft.subject ?? "\(subject) \(TicketToken.tag(ticketID: ticket.id))",
                from: channel, to: to, cc: cc, bcc: bcc, text: plain, html: html, attachments: draft.attachments,
                status: draft.status.flatMap { $0.isEmpty ? nil : $0 }, by: caller, at: now,
                tickets: tickets, session: session)
        }
    }
}
