/// What in the event feed notifies whom (A10): a ticket given to an agent by someone else or by
/// routing; a new ticket left unassigned with a team; a customer's reply on an owned ticket.
/// Mentions are notified by the comment that makes them. Whether and how each recipient hears of
/// it is theirs to choose (`NotificationPreferences`) and bounded by what they may see.
public enum NotificationTrigger {
    /// The ticket an event is about, as it is when the event is read.
    public struct Ticket: Sendable, Hashable {
        public var id: String
        public var subject: String
        public var ownerID: String?
        public var teamID: String?

        public init(id: String, subject: String, ownerID: String?, teamID: String?) {
            self.id = id
            self.subject = subject
            self.ownerID = ownerID
            self.teamID = teamID
        }
    }

    /// One notification to make.
    public struct Notice: Sendable, Hashable {
        public var userID: String
        public var kind: AgentNotification.Kind
        public var text: String
    }

    /// Who an event notifies, and with what words. `ticket` is the event's ticket as it is now;
    /// `reply` the start of the customer's message of a `messageReceived` event.
    public static func notices(for event: FeedEvent, ticket: Ticket?, reply: String?, teams: [Team]) -> [Notice] {
        guard event.objectType == ObjectType.tickets.id, let ticket else { return [] }
        let subject = ticket.subject.isEmpty ? "Ticket #\(ticket.id)" : ticket.subject
        switch event.kind {
        case .created:
            if let owner = nonEmpty(event.values[Record.ownerProperty]) {
                return owner == event.actor ? [] : [Notice(userID: owner, kind: .assigned, text: "Assigned to you: \(subject)")]
            }
            guard let teamID = nonEmpty(event.values[Record.teamProperty]), let team = teams.first(where: { $0.id == teamID }) else { return [] }
            return team.memberIDs.filter { $0 != event.actor }.map {
                Notice(userID: $0, kind: .unassignedInTeam, text: "New unassigned ticket in \(team.name): \(subject)")
            }
        case .propertyChanged:
            guard event.property == Record.ownerProperty, let owner = nonEmpty(event.newValue), owner != event.actor,
                  ticket.ownerID == owner else { return [] }
            return [Notice(userID: owner, kind: .assigned, text: "Assigned to you: \(subject)")]
        case .messageReceived:
            guard event.oldValue != FeedEvent.openedTicket, let owner = ticket.ownerID, let reply else { return [] }
            return [Notice(userID: owner, kind: .customerReply, text: "Customer replied on \(subject): \(reply)")]
        default:
            return []
        }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
