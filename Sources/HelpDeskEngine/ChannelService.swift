import Foundation
import HelpDeskCore
import HelpDeskStore

/// What an admin gives to connect a channel.
public struct ChannelDraft: Sendable {
    public var kind: Channel.Kind
    public var address: String
    public var name: String?
    /// The ticket pipeline for its tickets; the default ticket pipeline when `nil`.
    public var pipelineID: String?
    public var createsTickets: Bool
    public var settings: ChannelSettings

    public init(kind: Channel.Kind, address: String, name: String? = nil, pipelineID: String? = nil, createsTickets: Bool = true,
                settings: ChannelSettings = ChannelSettings()) {
        self.kind = kind
        self.address = address
        self.name = name
        self.pipelineID = pipelineID
        self.createsTickets = createsTickets
        self.settings = settings
    }
}

/// Connecting, listing and switching channels (C1).
public struct ChannelService: Sendable {
    let desk: HelpDesk

    public func create(_ draft: ChannelDraft, by caller: Caller) async throws -> Channel {
        try caller.check(.configureChannels)
        let address = draft.kind == .email ? Channel.normalizedAddress(draft.address)
            : draft.address.trimmingCharacters(in: .whitespaces)
        if draft.kind == .email {
            guard Channel.isValidEmailAddress(address) else {
                throw HelpDeskError.badRequest("\"\(draft.address)\" is not an email address; give one like support@example.com.")
            }
        }
        guard !address.isEmpty, address.count <= 200 else { throw HelpDeskError.badRequest("A channel needs an address of at most 200 characters.") }
        try Self.check(draft.settings, kind: draft.kind, address: address)
        let given = try draft.name.map(Self.checkedName) ?? ""
        let pipelineID = try await ticketPipeline(draft.pipelineID)
        let channel = Channel(id: "", kind: draft.kind, name: given.isEmpty ? address : given, address: address, pipelineID: pipelineID,
                              createsTickets: draft.createsTickets, createdAt: desk.clock(), settings: draft.settings)
        return try await desk.configure(.channels, by: caller, item: \.id) { session in
            if try await session.channel(kind: draft.kind, address: address) != nil {
                throw HelpDeskError.conflict("\(address) is already connected, as a channel of kind \(draft.kind.rawValue.lowercased()).")
            }
            return try await session.insertChannel(channel)
        }
    }

    /// The connected team email addresses, to write from (R2).
    public func emailAddresses() async throws -> [Channel] {
        try await desk.database.read { try await $0.channels(kind: .email) }.filter { !$0.archived }
    }

    /// Whether the help desk can mail (a team email address is connected): invitations and
    /// password links go out from it.
    public func canMail() async throws -> Bool {
        try await desk.database.read { try await $0.channels(kind: .email) }.contains { !$0.archived }
    }

    public func list(by caller: Caller) async throws -> [Channel] {
        try Self.checkReads(caller)
        return try await desk.database.read { try await $0.channels() }
    }

    public func get(id: String, by caller: Caller) async throws -> Channel {
        try Self.checkReads(caller)
        guard let channel = try await desk.database.read({ try await $0.channel(id: id) }), !channel.archived else {
            throw HelpDeskError.notFound("Channel \(id) does not exist.")
        }
        return channel
    }

    /// Changes a channel's name, pipeline, ticket switch (C1) or settings; `nil` leaves one as it
    /// is, and so does each setting left out of `settings`.
    public func update(id: String, name: String? = nil, pipelineID: String? = nil, createsTickets: Bool? = nil,
                       settings: ChannelSettings? = nil, by caller: Caller) async throws -> Channel {
        try caller.check(.configureChannels)
        var channel = try await get(id: id, by: caller)
        if let name {
            let checked = try Self.checkedName(name)
            guard !checked.isEmpty else { throw HelpDeskError.badRequest("A channel needs a name; give one of at most 200 characters.") }
            channel.name = checked
        }
        if let pipelineID { channel.pipelineID = try await ticketPipeline(pipelineID) }
        if let createsTickets { channel.createsTickets = createsTickets }
        if let settings {
            var merged = channel.settings
            if let url = settings.outboundURL { merged.outboundURL = url.isEmpty ? nil : url }
            if let secret = settings.signingSecret { merged.signingSecret = secret.isEmpty ? nil : secret }
            if let token = settings.verifyToken { merged.verifyToken = token.isEmpty ? nil : token }
            if let token = settings.accessToken { merged.accessToken = token.isEmpty ? nil : token }
            if let hours = settings.openingHours { merged.openingHours = hours }
            if let greeting = settings.voicemailGreeting { merged.voicemailGreeting = greeting.isEmpty ? nil : greeting }
            if let numbers = settings.forwardTo { merged.forwardTo = numbers }
            if let text = settings.acknowledgement { merged.acknowledgement = text.isEmpty ? nil : text }
            if let bot = settings.chatbot { merged.chatbot = bot }
            try Self.check(merged, kind: channel.kind, address: channel.address)
            channel.settings = merged
        }
        let changed = channel
        return try await desk.configure(.channels, by: caller, item: { _ in changed.id }) { session in
            // The routing rule is set apart (RoutingService.setRule): the stored one stays.
            try await Self.save(id, session: session) { stored in
                let rule = stored.settings.routing
                stored = changed
                stored.settings.routing = rule
            }
        }
    }

    /// Changes a channel as it is stored now, under its lock, and saves it: its settings and its
    /// routing rule are changed from different forms, and neither change may undo the other.
    static func save(_ id: String, session: StoreSession, _ change: (inout Channel) -> Void) async throws -> Channel {
        try await session.lock("channel:\(id)")
        guard var stored = try await session.channel(id: id) else { throw HelpDeskError.notFound("Channel \(id) does not exist.") }
        change(&stored)
        try await session.updateChannel(stored)
        return stored
    }

    /// Disconnects a channel: its address no longer takes mail; its conversations stay.
    public func archive(id: String, by caller: Caller) async throws {
        try caller.check(.configureChannels)
        _ = try await get(id: id, by: caller)
        _ = try await desk.configure(.channels, by: caller, item: { _ in id }) { session in
            try await Self.save(id, session: session) { $0.archived = true }
        }
    }

    /// Channels are read by those who work conversations, and by those who configure them: an
    /// admin may connect and change channels without working tickets.
    static func checkReads(_ caller: Caller) throws(HelpDeskError) {
        guard !Access.allows(caller.user, .configureChannels) else { return }
        try caller.check(.workConversations)
    }

    /// A channel's name as it is kept: trimmed, at most 200 characters; empty when none was given.
    static func checkedName(_ name: String) throws(HelpDeskError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 200 else { throw .badRequest("A channel's name holds at most 200 characters; \"\(trimmed.prefix(40))...\" is longer.") }
        return trimmed
    }

    /// What each kind of channel needs to reach the service behind it.
    static func check(_ settings: ChannelSettings, kind: Channel.Kind, address: String) throws(HelpDeskError) {
        if (settings.acknowledgement?.utf8.count ?? 0) > 10_000 {
            throw .badRequest("An acknowledgement holds at most 10,000 characters.")
        }
        if let url = settings.outboundURL, !ChannelSettings.isValidOutboundURL(url) {
            throw .badRequest("outboundUrl \"\(url)\" must be an http or https URL.")
        }
        switch kind {
        case .whatsapp:
            guard !address.isEmpty, address.allSatisfy(\.isNumber) else {
                throw .badRequest("A WhatsApp channel's address is its phone number id from the Cloud API (digits only).")
            }
            guard settings.signingSecret?.isEmpty == false, settings.verifyToken?.isEmpty == false else {
                throw .badRequest("A WhatsApp channel needs signingSecret (the app secret that signs webhooks) and verifyToken "
                    + "(the token given when subscribing the webhook).")
            }
        case .call:
            guard ChannelSettings.isPhoneNumber(address) else {
                throw .badRequest("A call channel's address is the phone number called, in E.164 form such as +33123456789.")
            }
            guard settings.signingSecret?.isEmpty == false else {
                throw .badRequest("A call channel needs signingSecret: the provider's auth token, which signs its webhooks.")
            }
            if let zone = settings.openingHours?.timeZone, TimeZone(identifier: zone) == nil {
                throw .badRequest(OpeningHoursError.unknownTimeZone(zone).description)
            }
            if let bad = settings.forwardTo?.first(where: { !ChannelSettings.isPhoneNumber($0) }) {
                throw .badRequest("forwardTo \"\(bad)\" is not a phone number in E.164 form such as +33123456789.")
            }
            if (settings.voicemailGreeting?.count ?? 0) > 1_000 {
                throw .badRequest("The voicemail greeting holds at most 1,000 characters.")
            }
        case .email, .form, .chat, .custom:
            break
        }
    }

    /// The ticket pipeline a channel's tickets go to: the one named, or the default.
    func ticketPipeline(_ id: String?) async throws -> String {
        let schema = try await desk.catalog.schema(for: "tickets")
        guard let id else {
            guard let pipeline = schema.defaultPipeline else { throw HelpDeskError.badRequest("There is no ticket pipeline; create one first.") }
            return pipeline.id
        }
        guard schema.pipeline(id) != nil else {
            throw HelpDeskError.badRequest("Ticket pipeline \"\(id)\" does not exist; known pipelines: "
                + schema.pipelines.filter { !$0.archived }.map(\.id).joined(separator: ", ") + ".")
        }
        return id
    }
}
