/// A built-in list of tickets in the workspace's left column (V1), as the search it runs for one
/// user. "Open" and "closed" follow the state of each pipeline's statuses. Drafts lists the
/// tickets the user left an unsent reply on (R4), most recently written first: their own drafts,
/// not a search of tickets. The Inbox lists the open conversations that have no ticket yet. The
/// team views follow the team property of tickets: all the user's teams for the unassigned ones,
/// their primary team (or their only one) for the open ones; a user in no team finds them empty.
public enum WorkspaceView: String, Sendable, CaseIterable {
    case unassigned
    case mine
    case allOpen = "open"
    case teamsUnassigned = "team-unassigned"
    case teamOpen = "team-open"
    case closed
    case drafts
    case inbox

    public var title: String {
        switch self {
        case .unassigned: "Unassigned"
        case .mine: "Assigned to me"
        case .allOpen: "All open"
        case .teamsUnassigned: "My teams' unassigned"
        case .teamOpen: "My team's open"
        case .closed: "Closed"
        case .drafts: "Drafts"
        case .inbox: "Inbox"
        }
    }

    /// The search for this view's tickets, in the order chosen (newest activity first unless told).
    /// `nil` for Drafts and the Inbox, and when no status of any pipeline can match (every list
    /// would be empty).
    public func search(for user: User, tickets: RecordSchema, properties: [String], limit: Int,
                       sort: ListSort = .lastActivity) -> SearchRequest? {
        guard self != .drafts, self != .inbox else { return nil }
        let stages = tickets.pipelines.flatMap(\.activeStages)
        let wanted = stages.filter { self == .closed ? $0.isClosed : !$0.isClosed }.map(\.id)
        guard !wanted.isEmpty else { return nil }
        var filters = [SearchRequest.Filter(propertyName: "hs_pipeline_stage", operator: .in, values: wanted)]
        switch self {
        case .unassigned: filters.append(SearchRequest.Filter(propertyName: "hubspot_owner_id", operator: .notHasProperty))
        case .mine: filters.append(SearchRequest.Filter(propertyName: "hubspot_owner_id", operator: .eq, value: user.id))
        case .teamsUnassigned:
            guard !user.teamIDs.isEmpty else { return nil }
            filters.append(SearchRequest.Filter(propertyName: "hubspot_team_id", operator: .in, values: user.teamIDs))
            filters.append(SearchRequest.Filter(propertyName: "hubspot_owner_id", operator: .notHasProperty))
        case .teamOpen:
            guard let team = user.primaryTeamID ?? (user.teamIDs.count == 1 ? user.teamIDs.first : nil) else { return nil }
            filters.append(SearchRequest.Filter(propertyName: "hubspot_team_id", operator: .eq, value: team))
        case .allOpen, .closed, .drafts, .inbox: break
        }
        return SearchRequest(filterGroups: [filters], sorts: sort.sorts, properties: properties, limit: limit)
    }
}
