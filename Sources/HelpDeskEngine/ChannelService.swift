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

    public init(kind: Channel.Kind, address: String, name: String? = nil, pipelineID: String? = nil, createsTickets: Bool = true) {
        self.kind = kind
        self.address = address
        self.name = name
        self.pipelineID = pipelineID
        self.createsTickets = createsTickets
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
        guard !address.isEmpty else { throw HelpDeskError.badRequest("A channel needs an address.") }
        let pipelineID = try await ticketPipeline(draft.pipelineID)
        let channel = Channel(id: "", kind: draft.kind, name: draft.name ?? address, address: address, pipelineID: pipelineID,
                              createsTickets: draft.createsTickets, createdAt: desk.clock())
        return try await desk.database.write { session in
            if try await session.channel(kind: draft.kind, address: address) != nil {
                throw HelpDeskError.conflict("\(address) is already connected as a \(draft.kind.rawValue.lowercased()) channel.")
            }
            return try await session.insertChannel(channel)
        }
    }

    public func list(by caller: Caller) async throws -> [Channel] {
        try caller.check(.workConversations)
        return try await desk.database.read { try await $0.channels() }
    }

    public func get(id: String, by caller: Caller) async throws -> Channel {
        try caller.check(.workConversations)
        guard let channel = try await desk.database.read({ try await $0.channel(id: id) }), !channel.archived else {
            throw HelpDeskError.notFound("Channel \(id) does not exist.")
        }
        return channel
    }

    /// Changes a channel's name, pipeline or ticket switch (C1); `nil` leaves a setting as it is.
    public func update(id: String, name: String? = nil, pipelineID: String? = nil, createsTickets: Bool? = nil,
                       by caller: Caller) async throws -> Channel {
        try caller.check(.configureChannels)
        var channel = try await get(id: id, by: caller)
        if let name { channel.name = name }
        if let pipelineID { channel.pipelineID = try await ticketPipeline(pipelineID) }
        if let createsTickets { channel.createsTickets = createsTickets }
        let changed = channel
        try await desk.database.write { try await $0.updateChannel(changed) }
        desk.channelDirectory.forget()
        return channel
    }

    /// Disconnects a channel: its address no longer takes mail; its conversations stay.
    public func archive(id: String, by caller: Caller) async throws {
        try caller.check(.configureChannels)
        var channel = try await get(id: id, by: caller)
        channel.archived = true
        let archived = channel
        try await desk.database.write { try await $0.updateChannel(archived) }
        desk.channelDirectory.forget()
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
