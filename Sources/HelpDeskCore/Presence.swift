/// Who else has a ticket open (collision): each open ticket page says so every few seconds, and
/// says when the agent starts writing a reply. Someone not heard from for a while has left.
public struct Presence: Sendable, Hashable {
    public var ticketID: String
    public var userID: String
    public var replying: Bool
    public var seenAt: Timestamp

    public init(ticketID: String, userID: String, replying: Bool, seenAt: Timestamp) {
        self.ticketID = ticketID
        self.userID = userID
        self.replying = replying
        self.seenAt = seenAt
    }

    /// How often an open page says it is still there.
    public static let beatInterval: Int64 = 15_000
    /// After how long without a word a page counts as closed: three beats missed.
    public static let expiry: Int64 = 45_000

    /// Who else is on the ticket now, those replying first, then by who came last.
    public static func others(_ all: [Presence], besides userID: String, at now: Timestamp) -> [Presence] {
        all.filter { $0.userID != userID && now.millisecondsSince1970 - $0.seenAt.millisecondsSince1970 < expiry }
            .sorted { ($0.replying ? 0 : 1, -$0.seenAt.millisecondsSince1970, $0.userID) < ($1.replying ? 0 : 1, -$1.seenAt.millisecondsSince1970, $1.userID) }
    }
}
