import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// The live email channels by address, asked for every recipient of every incoming message.
/// A known address is answered from memory for a moment; an unknown one is looked up again each
/// time, so that a channel connected by another process (the command line, another server)
/// takes mail at once.
final class ChannelDirectory: Sendable {
    private struct Snapshot {
        var byAddress: [String: Channel]
        var loadedAt: ContinuousClock.Instant
    }

    private let database: Database
    private let cached = NIOLockedValueBox<Snapshot?>(nil)
    private let maxAge: Duration = .seconds(2)

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
        if let snapshot = cached.withLockedValue({ $0 }), snapshot.loadedAt.duration(to: .now) < maxAge,
           let channel = snapshot.byAddress[address] {
            return channel
        }
        let channels = try await database.read { try await $0.channels(kind: .email) }
        let snapshot = Snapshot(byAddress: Dictionary(channels.map { ($0.address, $0) }) { first, _ in first }, loadedAt: .now)
        cached.withLockedValue { $0 = snapshot }
        return snapshot.byAddress[address]
    }

    func forget() {
        cached.withLockedValue { $0 = nil }
    }
}
