/// A group of users. Tickets can be owned by a team (A3) and views narrow to one's teams (V1, R8).
public struct Team: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var memberIDs: [String]
    /// The team email address its agents send from by default (R2), set by admins.
    public var defaultChannelID: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: String, name: String, memberIDs: [String], defaultChannelID: String? = nil, createdAt: Timestamp,
                updatedAt: Timestamp) {
        self.id = id
        self.name = name
        self.memberIDs = memberIDs
        self.defaultChannelID = defaultChannelID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
