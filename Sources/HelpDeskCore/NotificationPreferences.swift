/// How each kind of notification reaches one user (A10): in the workspace, by email, both or
/// not at all. A super admin sets the help desk's defaults; a user's own choice for a kind wins
/// over them, and kinds nobody chose follow `builtIn`.
public struct NotificationPreferences: Sendable, Hashable, Codable {
    /// Where one kind of notification goes.
    public struct Delivery: Sendable, Hashable, Codable {
        public var workspace: Bool
        public var email: Bool

        public init(workspace: Bool, email: Bool) {
            self.workspace = workspace
            self.email = email
        }

        public var isOff: Bool { !workspace && !email }
    }

    /// The kinds chosen; the others follow the defaults.
    public var kinds: [AgentNotification.Kind: Delivery]

    public init(_ kinds: [AgentNotification.Kind: Delivery] = [:]) {
        self.kinds = kinds
    }

    /// Before anyone chooses: everything in the workspace; by email what is addressed to the user
    /// alone, not the team's new tickets, which a busy team would be flooded with.
    public static let builtIn = NotificationPreferences([
        .mention: Delivery(workspace: true, email: true),
        .assigned: Delivery(workspace: true, email: true),
        .unassignedInTeam: Delivery(workspace: true, email: false),
        .customerReply: Delivery(workspace: true, email: true),
    ])

    /// Where a kind goes for a user with these preferences under these defaults.
    public static func delivery(of kind: AgentNotification.Kind, user: NotificationPreferences?,
                                defaults: NotificationPreferences?) -> Delivery {
        user?.kinds[kind] ?? defaults?.kinds[kind] ?? builtIn.kinds[kind] ?? Delivery(workspace: true, email: false)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Kinds this version does not know (written by a newer one) are passed over, not refused.
        let raw = try container.decode([String: Delivery].self, forKey: .kinds)
        kinds = Dictionary(uniqueKeysWithValues: raw.compactMap { key, value in AgentNotification.Kind(rawValue: key).map { ($0, value) } })
    }
}
