import HelpDeskCore
import SQLKit

/// Where each consumer of the feed has got to. A consumer's position is read under a lock and
/// saved in the transaction that carries its effects, so that an event is handled once: a
/// consumer that fails or is killed mid-way leaves its position where it was, and two servers
/// running the same consumer take turns batch by batch.
extension StoreSession {
    /// The consumer's position, locked for this transaction. A new consumer starts at the head:
    /// it handles what happens from its first run on.
    package func lockConsumerPosition(_ name: String, now: Timestamp) async throws -> Int64 {
        try await sql.raw("""
            INSERT INTO feed_consumers (name, position, updated_at)
            SELECT \(bind: name), \(Self.headQuery(dialect)), \(bind: now.millisecondsSince1970)
            ON CONFLICT (name) DO NOTHING
            """).run()
        let lock: SQLQueryString = dialect == .postgres ? " FOR UPDATE" : ""
        guard let row = try await sql.raw("SELECT position FROM feed_consumers WHERE name = \(bind: name)\(lock)").first() else {
            throw StoreError.corruptRow(table: "feed_consumers", detail: "consumer \(name) vanished")
        }
        return try row.decode(column: "position", as: Int64.self)
    }

    package func saveConsumerPosition(_ name: String, _ position: Int64, now: Timestamp) async throws {
        try await sql.raw("""
            UPDATE feed_consumers SET position = \(bind: position), updated_at = \(bind: now.millisecondsSince1970)
            WHERE name = \(bind: name)
            """).run()
    }

    /// Every consumer's position, by name, for its lag behind the head.
    package func consumerPositions() async throws -> [String: Int64] {
        var positions: [String: Int64] = [:]
        for row in try await sql.raw("SELECT name, position FROM feed_consumers").all() {
            positions[try row.decode(column: "name", as: String.self)] = try row.decode(column: "position", as: Int64.self)
        }
        return positions
    }
}
