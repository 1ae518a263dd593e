/// A person who signs in to the help desk: an agent, an admin, or both. Users are the owners that
/// records and tickets are assigned to.
public struct User: Sendable, Hashable, Codable {
    public var id: String
    public var email: String
    public var firstName: String
    public var lastName: String
    public var roles: Roles
    /// A9: only users with a service seat receive routed tickets.
    public var serviceSeat: Bool
    /// R8: which tickets of the help desk the user may see.
    public var ticketScope: TicketScope
    public var timeZone: String
    public var teamIDs: [String]
    /// The team the user works in first (one of `teamIDs`).
    public var primaryTeamID: String?
    public var archived: Bool
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: String, email: String, firstName: String = "", lastName: String = "", roles: Roles = [],
        serviceSeat: Bool = false, ticketScope: TicketScope = .all, timeZone: String = "UTC",
        teamIDs: [String] = [], primaryTeamID: String? = nil, archived: Bool = false, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.roles = roles
        self.serviceSeat = serviceSeat
        self.ticketScope = ticketScope
        self.timeZone = timeZone
        self.teamIDs = teamIDs
        self.primaryTeamID = primaryTeamID
        self.archived = archived
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension User {
    /// "First Last" as messages show their author; `nil` for a user without a name.
    public var displayName: String? {
        let name = [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
        return name.isEmpty ? nil : name
    }
}

/// The permissions a user holds (SPEC A9, R8, W6).
public struct Roles: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Everything, including other users' permissions.
    public static let superAdmin = Roles(rawValue: 1 << 0)
    /// Account settings: pipelines, properties, object types, users and teams, default From addresses.
    public static let accountAccess = Roles(rawValue: 1 << 1)
    /// W6: configure pipeline automation and workflows.
    public static let workflowPermission = Roles(rawValue: 1 << 2)
    /// R8: view, edit and reply to help-desk tickets.
    public static let helpDeskAccess = Roles(rawValue: 1 << 3)

    public static let names: [(String, Roles)] = [
        ("super-admin", .superAdmin), ("account-access", .accountAccess),
        ("workflow", .workflowPermission), ("help-desk", .helpDeskAccess),
    ]

    /// Reads a comma-separated list such as `help-desk,workflow`.
    public init?(names list: String) {
        var roles: Roles = []
        for part in list.split(separator: ",") where !part.trimmingCharacters().isEmpty {
            guard let role = Self.names.first(where: { $0.0 == part.trimmingCharacters() })?.1 else { return nil }
            roles.insert(role)
        }
        self = roles
    }

    public var names: [String] {
        Self.names.filter { contains($0.1) }.map(\.0)
    }
}

/// R8: how far a user's view of help-desk tickets reaches.
public enum TicketScope: String, Sendable, Codable, CaseIterable {
    case all
    /// Tickets owned by the user or by one of the user's teams.
    case team
    /// Tickets owned by the user.
    case own
}

extension Substring {
    func trimmingCharacters() -> Substring {
        var s = self
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}
