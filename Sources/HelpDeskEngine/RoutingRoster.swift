import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// The users, their routing profiles and the teams, as routing reads them for every new ticket.
/// Kept in memory because each decision inside the intake transaction would otherwise read a
/// thousand users again; forgotten when users, teams or profiles change (here at once, on other
/// servers through the feed a moment later). Filled by the transaction that first needs it, so
/// no decision waits for a read of its own.
final class RoutingRoster: Sendable {
    struct Snapshot: Sendable {
        var users: [String: User]
        var profiles: [String: RoutingProfile]
        var teams: [Team]
    }

    private struct State {
        var snapshot: Snapshot?
        /// Counts the changes: a snapshot read before the latest one is not kept.
        var generation = 0
    }

    private let state = NIOLockedValueBox(State())

    func forget() {
        state.withLockedValue { state in
            state.snapshot = nil
            state.generation += 1
        }
    }

    func snapshot(session: StoreSession) async throws -> Snapshot {
        let (kept, generation) = state.withLockedValue { ($0.snapshot, $0.generation) }
        if let kept { return kept }
        let users = try await session.users()
        let read = Snapshot(users: Dictionary(users.map { ($0.id, $0) }) { first, _ in first },
                            profiles: try await session.routingProfiles(), teams: try await session.teams())
        state.withLockedValue { state in
            if state.generation == generation { state.snapshot = read }
        }
        return read
    }
}
