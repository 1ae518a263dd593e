import Foundation
import HelpDeskCore
import HelpDeskStore

/// What an admin gives to make or replace a form.
public struct FormDraft: Sendable {
    public struct Field: Sendable {
        public var objectTypeID: String
        public var name: String
        /// The property's own label when `nil`.
        public var label: String?
        public var required: Bool
        /// Only `multiLineText` changes anything: other kinds follow the property.
        public var kind: FormField.Kind?

        public init(objectTypeID: String, name: String, label: String? = nil, required: Bool = false, kind: FormField.Kind? = nil) {
            self.objectTypeID = objectTypeID
            self.name = name
            self.label = label
            self.required = required
            self.kind = kind
        }
    }

    public var name: String
    public var fields: [Field]
    public var submitText: String?
    public var thankYouMessage: String?
    /// The ticket pipeline for its tickets; the default ticket pipeline when `nil`.
    public var pipelineID: String?
    /// C1: a ticket for every submission; on when `nil`.
    public var createsTickets: Bool?

    public init(name: String, fields: [Field], submitText: String? = nil, thankYouMessage: String? = nil, pipelineID: String? = nil,
                createsTickets: Bool? = nil) {
        self.name = name
        self.fields = fields
        self.submitText = submitText
        self.thankYouMessage = thankYouMessage
        self.pipelineID = pipelineID
        self.createsTickets = createsTickets
    }
}

/// Web forms (C1, C2): admins define them; anyone with the link submits them, and each
/// submission creates the contact (or fills in what a known one lacks) and opens a conversation,
/// with a ticket while the form's channel has its switch on.
public struct FormService: Sendable {
    let desk: HelpDesk

    /// What became of one submission.
    public struct Receipt: Sendable {
        public var contactID: String
        public var conversationID: String
        public var ticketID: String?
    }

    public func create(_ draft: FormDraft, by caller: Caller) async throws -> (form: Form, channel: Channel) {
        try caller.check(.configureChannels)
        let now = desk.clock()
        let id = UUID().uuidString.lowercased()
        var form = Form(id: id, channelID: "", name: draft.name.trimmingCharacters(in: .whitespaces), fields: [],
                        createdAt: now, updatedAt: now)
        try await shape(&form, from: draft)
        let pipelineID = try await desk.channels.ticketPipeline(draft.pipelineID)
        let channel = Channel(id: "", kind: .form, name: form.name, address: id, pipelineID: pipelineID,
                              createsTickets: draft.createsTickets ?? true, createdAt: now)
        let made = form
        return try await desk.configure(.forms, by: caller, item: \.0.id) { session in
            let stored = try await session.insertChannel(channel)
            var saved = made
            saved.channelID = stored.id
            try await session.saveForm(saved)
            return (saved, stored)
        }
    }

    public func list(by caller: Caller) async throws -> [(form: Form, channel: Channel)] {
        try ChannelService.checkReads(caller)
        return try await desk.database.read { session in
            let channels = Dictionary(uniqueKeysWithValues: try await session.channels(kind: .form).map { ($0.id, $0) })
            return try await session.forms().compactMap { form in channels[form.channelID].map { (form, $0) } }
        }
    }

    public func get(id: String, by caller: Caller) async throws -> (form: Form, channel: Channel) {
        try ChannelService.checkReads(caller)
        guard let found = try await published(id: id) else { throw HelpDeskError.notFound("Form \(id) does not exist.") }
        return found
    }

    /// Replaces a form's fields and texts, and changes its pipeline or ticket switch when given.
    public func replace(id: String, with draft: FormDraft, by caller: Caller) async throws -> (form: Form, channel: Channel) {
        try caller.check(.configureChannels)
        var (form, channel) = try await get(id: id, by: caller)
        form.name = draft.name.trimmingCharacters(in: .whitespaces)
        form.updatedAt = desk.clock()
        try await shape(&form, from: draft)
        channel.name = form.name
        if let pipelineID = draft.pipelineID { channel.pipelineID = try await desk.channels.ticketPipeline(pipelineID) }
        if let createsTickets = draft.createsTickets { channel.createsTickets = createsTickets }
        let (savedForm, savedChannel) = (form, channel)
        try await desk.configure(.forms, by: caller, item: { _ in savedForm.id }) { session in
            try await session.saveForm(savedForm)
            try await session.updateChannel(savedChannel)
        }
        return (form, channel)
    }

    /// Takes a form down: its link no longer answers; what it brought in stays.
    public func archive(id: String, by caller: Caller) async throws {
        try caller.check(.configureChannels)
        var (form, channel) = try await get(id: id, by: caller)
        form.archived = true
        channel.archived = true
        let (savedForm, savedChannel) = (form, channel)
        try await desk.configure(.forms, by: caller, item: { _ in savedForm.id }) { session in
            try await session.saveForm(savedForm)
            try await session.updateChannel(savedChannel)
        }
    }

    /// A live form with its channel, for its public page; no caller needed.
    public func published(id: String) async throws -> (form: Form, channel: Channel)? {
        guard id.count <= 64 else { return nil }
        return try await desk.database.read { session in
            guard let form = try await session.form(id: id), let channel = try await session.channel(id: form.channelID),
                  !channel.archived else { return nil }
            return (form, channel)
        }
    }

    /// Stores one submission: the contact is created or updated by email, a conversation opens
    /// with the submitted text, and a ticket follows while the channel's switch is on (C2). All
    /// in one transaction.
    public func submit(formID: String, values: [String: String]) async throws -> Receipt {
        guard let (form, channel) = try await published(id: formID) else {
            throw HelpDeskError.notFound("Form \(formID) does not exist or was taken down.")
        }
        let contacts = try await desk.catalog.schema(for: ObjectType.contacts.name)
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        let submission: FormSubmission
        do {
            submission = try FormRules.read(values, form: form, contacts: contacts, tickets: tickets)
        } catch {
            throw HelpDeskError.invalidForm(error)
        }
        let name = [submission.contact["firstname"], submission.contact["lastname"]].compactMap { $0 }.joined(separator: " ")
        let message = IncomingMessage(
            channel: channel, source: "FORM",
            sender: IncomingMessage.Sender(address: submission.email, name: name.isEmpty ? nil : name, email: submission.email),
            subject: submission.ticket["subject"] ?? form.name, text: submission.summary, threading: .none,
            ticketProperties: submission.ticket, contactProperties: submission.contact)
        let intake = Intake(tickets: tickets, contacts: contacts, roster: desk.routingRoster, now: desk.clock(), logger: desk.logger)
        return try await desk.database.write { session in
            let outcome = try await intake.store(message, session: session)
            return Receipt(contactID: outcome.contactID ?? "", conversationID: outcome.conversation.id, ticketID: outcome.conversation.ticketID)
        }
    }

    /// Fills a form's fields and texts from a draft and checks the result.
    func shape(_ form: inout Form, from draft: FormDraft) async throws {
        let contacts = try await desk.catalog.schema(for: ObjectType.contacts.name)
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        form.fields = draft.fields.map { field in
            let schema = field.objectTypeID == ObjectType.tickets.id ? tickets : contacts
            let property = schema.properties[field.name]
            return FormField(objectTypeID: field.objectTypeID, name: field.name,
                             label: (field.label ?? property?.label ?? field.name).trimmingCharacters(in: .whitespaces),
                             required: field.required,
                             kind: property.map { FormField.kind(for: $0, objectTypeID: field.objectTypeID, asked: field.kind) }
                                 ?? .singleLineText)
        }
        if let submitText = draft.submitText { form.submitText = submitText.trimmingCharacters(in: .whitespaces) }
        if let thankYou = draft.thankYouMessage { form.thankYouMessage = thankYou.trimmingCharacters(in: .whitespacesAndNewlines) }
        do {
            try FormRules.check(form, contacts: contacts, tickets: tickets)
        } catch {
            throw HelpDeskError.invalidForm(error)
        }
    }
}
