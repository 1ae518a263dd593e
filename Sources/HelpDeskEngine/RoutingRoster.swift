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
        var officeHours: OfficeHours?
        var teamOfficeHours: [String: OfficeHours]

        /// A6: whether an agent is at work at a moment: in their primary team's office hours (else
        /// the help desk's) when they follow them, else in their own working hours; at any time
        /// when the hours they follow are not set.
        func isAtWork(_ user: User, _ profile: RoutingProfile, at time: Timestamp) -> Bool {
            if profile.followsOfficeHours {
                let office = user.primaryTeamID.flatMap { teamOfficeHours[$0] } ?? officeHours
                return office?.isOpen(at: time) ?? true
            }
            return profile.workingHours?.isOpen(at: time) ?? true
        }

        /// An agent as routing weighs them at a moment.
        func agent(_ id: String, at time: Timestamp) -> RoutingDecision.Agent? {
            guard let user = users[id] else { return nil }
            let profile = profiles[id] ?? RoutingProfile()
            return RoutingDecision.Agent(user: user, profile: profile, withinWorkingHours: isAtWork(user, profile, at: time))
        }
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
        let office = try await session.officeHours()
        let read = Snapshot(users: Dictionary(users.map { ($0.id, $0) }) { first, _ in first },
                            profiles: try await session.routingProfiles(), teams: try await session.teams(),
                            officeHours: office.helpDesk, teamOfficeHours: office.teams)
        state.withLockedValue { state in
            if state.generation == generation { state.snapshot = read }
        }
        return read
    }
}
