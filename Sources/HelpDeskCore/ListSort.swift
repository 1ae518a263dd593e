/// The orders an agent can put a list of tickets in. Every one is paged by position, so each
/// leads with a time every ticket has.
public enum ListSort: String, Sendable, CaseIterable {
    /// Most recent activity first: what moved last is on top.
    case lastActivity = "activity"
    /// Least recent activity first: what has waited longest is on top.
    case longestWaiting = "waiting"
    /// Newest tickets first.
    case newest = "created"

    public var title: String {
        switch self {
        case .lastActivity: "Last activity"
        case .longestWaiting: "Waiting longest"
        case .newest: "Newest"
        }
    }

    /// The search's sort for tickets (their property names).
    public var sort: SearchRequest.Sort {
        switch self {
        case .lastActivity: SearchRequest.Sort(propertyName: "hs_lastmodifieddate", descending: true)
        case .longestWaiting: SearchRequest.Sort(propertyName: "hs_lastmodifieddate", descending: false)
        case .newest: SearchRequest.Sort(propertyName: "createdate", descending: true)
        }
    }
}
