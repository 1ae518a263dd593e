/// A browser signed in to the workspace. Stored, so that every server accepts it; its cookie holds
/// a random token of which only a hash is kept.
public struct WebSession: Sendable, Hashable {
    public var userID: String
    /// Sent back with every change the page makes, so that another site cannot make it (CSRF).
    public var csrfToken: String
    public var createdAt: Timestamp
    public var seenAt: Timestamp

    /// A session unused for a week ends; any session ends a month after sign-in.
    public static let idleLimit: Int64 = 7 * 86_400_000
    public static let lifetime: Int64 = 30 * 86_400_000
    /// How stale `seenAt` may be before it is written again: not on every request.
    public static let touchInterval: Int64 = 60_000

    public init(userID: String, csrfToken: String, createdAt: Timestamp, seenAt: Timestamp) {
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.seenAt = seenAt
    }

    public func isValid(at now: Timestamp) -> Bool {
        now.millisecondsSince1970 - seenAt.millisecondsSince1970 < Self.idleLimit
            && now.millisecondsSince1970 - createdAt.millisecondsSince1970 < Self.lifetime
    }

    public func needsTouch(at now: Timestamp) -> Bool {
        now.millisecondsSince1970 - seenAt.millisecondsSince1970 >= Self.touchInterval
    }
}

/// A link sent or shown once, that lets its holder do one thing: create the first admin account
/// on a fresh install, accept an invitation, or choose a new password. Only a hash of its token
/// is stored; it expires, and it works once.
public struct OneTimeLink: Sendable, Hashable {
    public enum Purpose: String, Sendable {
        case setup = "SETUP"
        case invitation = "INVITATION"
        case passwordReset = "PASSWORD_RESET"

        /// How long a link of this purpose stays usable.
        public var validity: Int64 {
            switch self {
            case .setup: 24 * 3_600_000
            case .invitation: 7 * 86_400_000
            case .passwordReset: 3_600_000
            }
        }
    }

    public var purpose: Purpose
    /// The user it is for; none for the first admin's account.
    public var userID: String?
    public var expiresAt: Timestamp

    public init(purpose: Purpose, userID: String?, expiresAt: Timestamp) {
        self.purpose = purpose
        self.userID = userID
        self.expiresAt = expiresAt
    }
}
