/// What the trash keeps, and for how long (C7). A trashed conversation and the ticket deleted
/// with it can be restored until the retention ends; then the conversation is purged for good
/// and the ticket stays in the archive, as deleted records do.
public enum Trash {
    public static let retentionDays = 30
    static let retentionMilliseconds = Int64(retentionDays) * 86_400_000

    public static func isRestorable(trashedAt: Timestamp, now: Timestamp) -> Bool {
        now < trashedAt.adding(milliseconds: retentionMilliseconds)
    }

    /// What was trashed at this moment or before is past restoring.
    public static func purgeLimit(now: Timestamp) -> Timestamp {
        now.adding(milliseconds: -retentionMilliseconds)
    }
}
