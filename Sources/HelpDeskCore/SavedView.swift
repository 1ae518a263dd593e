/// A list of tickets an agent saved from filters (V1): every condition must hold, in the order
/// chosen. Private to its author, or shared with one of their teams, whose members see it in
/// their left column too. What each reader finds in it still follows their own access (R8).
public struct SavedView: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Who made it; only they change it (and an admin, once it is shared).
    public var authorID: String
    /// The team it is shared with; `nil` keeps it to its author.
    public var teamID: String?
    public var filters: [SearchRequest.Filter]
    public var sort: ListSort

    public init(id: String, name: String, authorID: String, teamID: String?, filters: [SearchRequest.Filter], sort: ListSort) {
        self.id = id
        self.name = name
        self.authorID = authorID
        self.teamID = teamID
        self.filters = filters
        self.sort = sort
    }

    public static let maxNameLength = 60
    public static let maxFilters = 10

    /// Whether `user` finds it in their left column.
    public func isVisible(to user: User) -> Bool {
        authorID == user.id || teamID.map(user.teamIDs.contains) == true
    }

    /// Whether `user` may change or delete it.
    public func isEditable(by user: User) -> Bool {
        authorID == user.id || (teamID != nil && Access.allows(user, .manageUsers))
    }

    /// The search for its tickets.
    public func search(properties: [String], limit: Int, sort: ListSort? = nil) -> SearchRequest {
        SearchRequest(filterGroups: filters.isEmpty ? [] : [filters], sorts: (sort ?? self.sort).sorts, properties: properties, limit: limit)
    }

    /// What is wrong with a view `author` would keep with this name, team and filters; empty when
    /// nothing is. The filters are checked as a search would check them.
    public static func problems(name: String, teamID: String?, filters: [SearchRequest.Filter], author: User,
                                tickets: RecordSchema) -> [String] {
        var problems: [String] = []
        if name.isEmpty { problems.append("A view needs a name.") }
        if name.count > maxNameLength { problems.append("A view's name has at most \(maxNameLength) characters.") }
        if name.contains(where: \.isNewline) { problems.append("A view's name is one line.") }
        if let teamID, !author.teamIDs.contains(teamID), !Access.allows(author, .manageUsers) {
            problems.append("A view is shared only with a team you are in.")
        }
        if filters.count > maxFilters { problems.append("A view has at most \(maxFilters) conditions.") }
        do {
            _ = try SearchRequest(filterGroups: filters.isEmpty ? [] : [filters]).validated(against: tickets)
        } catch {
            problems += error.problems
        }
        return problems
    }
}
