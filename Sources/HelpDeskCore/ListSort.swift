/// The orders an agent can put a list of tickets in. Every one is paged by position, so each
/// leads with a value every ticket has: a time, or the rank of its priority (none ranks lowest).
public enum ListSort: String, Sendable, CaseIterable {
    /// Most recent activity first: what moved last is on top.
    case lastActivity = "activity"
    /// Least recent activity first: what has waited longest is on top.
    case longestWaiting = "waiting"
    /// Newest tickets first.
    case newest = "created"
    /// Highest priority first, and within one priority what has waited longest.
    case priority

    public var title: String {
        switch self {
        case .lastActivity: "Last activity"
        case .longestWaiting: "Waiting longest"
        case .newest: "Newest"
        case .priority: "Priority"
        }
    }

    /// The search's sorts for tickets (their property names).
    public var sorts: [SearchRequest.Sort] {
        switch self {
        case .lastActivity: [SearchRequest.Sort(propertyName: "hs_lastmodifieddate", descending: true)]
        case .longestWaiting: [SearchRequest.Sort(propertyName: "hs_lastmodifieddate", descending: false)]
        case .newest: [SearchRequest.Sort(propertyName: "createdate", descending: true)]
        case .priority:
            [SearchRequest.Sort(propertyName: TicketPriority.property, descending: true, byRank: true),
             SearchRequest.Sort(propertyName: "hs_lastmodifieddate", descending: false)]
        }
    }
}
