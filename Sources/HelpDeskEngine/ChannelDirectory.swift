import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// The channels as every incoming message asks for them: email channels by address, for each
/// recipient of each mail, and every channel by id, for the edges that receive messages for one
/// (custom channels, chat, calls, WhatsApp). Kept in memory until a channel changes (here, or on
/// another server as the feed tells); an unknown address or id is looked up again each time, so
/// that a channel connected by another process takes messages at once.
final class ChannelDirectory: Sendable {
    private struct State {
        var byAddress: [String: Channel]?
        var byID: [String: Channel]?
        /// Raised by `forget`, so that a read begun before a change is not kept.
        var generation = 0
    }

    private let database: Database
    private let state = NIOLockedValueBox(State())

    init(database: Database) {
        self.database = database
    }

    /// The channel of a team address, or of the reply address made from it (`support+t12@...`).
    func emailChannel(for address: String) async throws -> Channel? {
        let address = Channel.normalizedAddress(address)
        if let channel = try await exactEmailChannel(for: address) { return channel }
        guard let base = TicketToken.split(replyAddress: address)?.teamAddress else { return nil }
        return try await exactEmailChannel(for: base)
    }

    private func exactEmailChannel(for address: String) async throws -> Channel? {
        let (known, generation) = state.withLockedValue { ($0.byAddress?[address], $0.generation) }
        if let known { return known }
        let channels = try await database.read { try await $0.channels(kind: .email) }
        let byAddress = Dictionary(channels.map { ($0.address, $0) }) { first, _ in first }
        state.withLockedValue { state in
            if state.generation == generation { state.byAddress = byAddress }
        }
        return byAddress[address]
    }

    /// A live channel by id.
    func channel(id: String) async throws -> Channel? {
        let (known, generation) = state.withLockedValue { ($0.byID?[id], $0.generation) }
        if let known { return known }
        let channels = try await database.read { try await $0.channels() }
        let byID = Dictionary(channels.map { ($0.id, $0) }) { first, _ in first }
        state.withLockedValue { state in
            if state.generation == generation { state.byID = byID }
        }
        return byID[id]
    }

    func forget() {
        state.withLockedValue { state in
            state.byAddress = nil
            state.byID = nil
            state.generation += 1
        }
    }
}
