import Foundation
import HelpDeskCore
import SQLKit
import SQLiteKit

/// The event feed: append-only, in commit order. A write's events wait in its `WriteEffects`
/// and are written as its last step, under the lock of the feed's head row: positions are handed
/// out while that lock is held and it is released by the commit, so a transaction that commits
/// later always gets later positions, also with several servers writing into one PostgreSQL
/// database. A reader that asks for "after N" therefore never skips an event that commits late.
/// On SQLite, where one writer holds the database's write lock until it commits, the positions
/// follow the feed's last one in the statement that inserts the events: one statement less on
/// every write of the single writer, whose statements are the part of a busy server that runs one
/// at a time. There the head is the feed's last position, not a row of `feed_head`.
extension StoreSession {
    /// Appends events to the feed; they are written, with their positions, as this write commits.
    package func append(_ events: [FeedEvent]) throws {
        guard let effects else { throw StoreError.readOnly }
        effects.append(events)
    }

    /// Writes the events this write appended, under the head's lock, and (on PostgreSQL) asks for
    /// the other servers to be told of them and of its jobs at commit. The last statements of
    /// every write.
    func finishWrite() async throws {
        guard let effects else { return }
        if effects.addedJobs, dialect == .postgres {
            try await sql.raw("SELECT pg_notify(\(bind: JobBell.channel), '')").run()
        }
        let events = effects.takeEvents()
        guard !events.isEmpty else { return }
        if case .sqlite(let sqlite) = connection {
            let (first, last) = try await Self.appendAtHead(events, on: sqlite)
            effects.noteRows(events.count)
            effects.noteWritten(first: first, last: last, kinds: Set(events.map(\.kind)))
            return
        }
        guard let row = try await sql.raw("""
            UPDATE feed_head SET position = position + \(bind: events.count) WHERE id = 1 RETURNING position
            """).first() else {
            throw StoreError.corruptRow(table: "feed_head", detail: "the feed's head row is missing")
        }
        let last = try row.decode(column: "position", as: Int64.self)
        let first = last - Int64(events.count) + 1
        try await insertRows(
            into: "events",
            columns: ["position", "record_id", "conversation_id", "object_type", "kind", "property", "old_value", "new_value",
                      "actor", "source", "occurred_at"],
            events.enumerated().map { offset, event in
                let newValue = event.values.isEmpty ? event.newValue : Self.encode(event.values)
                return [.integer(first + Int64(offset)), .integer(event.recordID.flatMap { Int64($0) }),
                        .integer(event.conversationID), .text(event.objectType), .text(event.kind.rawValue),
                        .text(event.property), .text(event.oldValue), .text(newValue), .text(event.actor),
                        .text(event.source), .integer(event.occurredAt.millisecondsSince1970)]
            })
        if dialect == .postgres {
            try await sql.raw("SELECT pg_notify(\(bind: FeedBell.channel), \(bind: "\(first) \(last) \(effects.origin)"))").run()
        }
        effects.noteWritten(first: first, last: last, kinds: Set(events.map(\.kind)))
    }

    /// The position of the latest committed event (0 for an empty feed).
    package func feedHead() async throws -> Int64 {
        let row = try await sql.raw("SELECT \(Self.headQuery(dialect)) AS position").first()
        return try row?.decode(column: "position", as: Int64.self) ?? 0
    }

    /// The feed's head as an expression: the head row on PostgreSQL, the last position on SQLite.
    static func headQuery(_ dialect: Database.Dialect) -> SQLQueryString {
        dialect == .postgres ? "(SELECT position FROM feed_head WHERE id = 1)" : "(SELECT COALESCE(MAX(position), 0) FROM events)"
    }

    /// Inserts events with the positions after the feed's last one (SQLite's single writer) and
    /// returns the first and last given. Nothing deletes events, so a position is never handed out
    /// twice.
    static func appendAtHead(_ events: [FeedEvent], on sqlite: SQLiteConnection) async throws -> (first: Int64, last: Int64) {
        let columns = 11
        var positions: [Int64] = []
        positions.reserveCapacity(events.count)
        let perStatement = max(1, maxBindsPerStatement / columns)
        for start in stride(from: 0, to: events.count, by: perStatement) {
            let chunk = events[start..<min(start + perStatement, events.count)]
            var statement = """
                INSERT INTO events (position, record_id, conversation_id, object_type, kind, property, old_value, new_value, actor, \
                source, occurred_at) SELECT head.last + v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, \
                v.column8, v.column9, v.column10, v.column11 FROM (SELECT COALESCE(MAX(position), 0) AS last FROM events) AS head, (VALUES
                """
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * columns)
            for (offset, event) in chunk.enumerated() {
                statement += offset == 0 ? " (?,?,?,?,?,?,?,?,?,?,?)" : ", (?,?,?,?,?,?,?,?,?,?,?)"
                let newValue = event.values.isEmpty ? event.newValue : encode(event.values)
                let row: [ColumnValue] = [
                    .integer(Int64(offset + 1)), .integer(event.recordID.flatMap { Int64($0) }), .integer(event.conversationID),
                    .text(event.objectType), .text(event.kind.rawValue), .text(event.property), .text(event.oldValue), .text(newValue),
                    .text(event.actor), .text(event.source), .integer(event.occurredAt.millisecondsSince1970),
                ]
                binds.append(contentsOf: row.map(\.sqlite))
            }
            statement += ") AS v ORDER BY v.column1 RETURNING position"
            for row in try await sqlite.query(statement, binds) {
                guard let position = row.column("position")?.integer else {
                    throw StoreError.corruptRow(table: "events", detail: "an inserted event returned no position")
                }
                positions.append(Int64(position))
            }
        }
        guard let first = positions.min(), let last = positions.max(), positions.count == events.count else {
            throw StoreError.corruptRow(table: "events", detail: "\(events.count) events written, \(positions.count) positions returned")
        }
        return (first, last)
    }

    /// Up to `limit` events after `position` (and up to `last`, if given), in feed order; only
    /// those of `kinds`, if given.
    package func events(after position: Int64, through last: Int64? = nil, kinds: [FeedEvent.Kind]? = nil,
                       limit: Int) async throws -> [FeedEvent] {
        let upTo: SQLQueryString = last.map { " AND position <= \(bind: $0)" } ?? ""
        let only: SQLQueryString = kinds.map { " AND kind IN (\(binds: $0.map(\.rawValue)))" } ?? ""
        return try await sql.raw("""
            SELECT \(unsafeRaw: Self.eventColumns) FROM events WHERE position > \(bind: position)\(upTo)\(only)
            ORDER BY position LIMIT \(bind: limit)
            """).all().map(Self.event)
    }

    /// The values the given properties of the given records have had, oldest first, for
    /// `propertiesWithHistory`: their first values from each creation, then every change.
    package func propertyHistory(recordIDs: [Int64], properties: [String]) async throws -> [FeedEvent] {
        guard !recordIDs.isEmpty, !properties.isEmpty else { return [] }
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.eventColumns)
            FROM events WHERE record_id IN (\(binds: recordIDs))
              AND (kind = \(bind: FeedEvent.Kind.created.rawValue)
                   OR (kind = \(bind: FeedEvent.Kind.propertyChanged.rawValue) AND property IN (\(binds: properties))))
            ORDER BY position
            """).all()
        let wanted = Set(properties)
        return try rows.map(Self.event).flatMap { event -> [FeedEvent] in
            guard event.kind == .created else { return [event] }
            return event.values.keys.sorted().filter(wanted.contains).map { name in
                FeedEvent(position: event.position, recordID: event.recordID, objectType: event.objectType, kind: .propertyChanged,
                          property: name, newValue: event.values[name], actor: event.actor, source: event.source,
                          occurredAt: event.occurredAt)
            }
        }
    }

    /// A record's whole timeline, newest first: its own events and those of its conversations.
    package func timeline(recordID: Int64, limit: Int) async throws -> [FeedEvent] {
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.eventColumns)
            FROM events WHERE record_id = \(bind: recordID) ORDER BY position DESC LIMIT \(bind: limit)
            """).all()
        return try rows.map(Self.event)
    }

    static let eventColumns = """
        position, record_id, conversation_id, object_type, kind, property, old_value, new_value, actor, source, occurred_at
        """

    static func event(from row: any SQLRow) throws -> FeedEvent {
        let kind = try row.decode(column: "kind", as: String.self)
        guard let parsed = FeedEvent.Kind(rawValue: kind) else {
            throw StoreError.corruptRow(table: "events", detail: "unknown kind \(kind)")
        }
        let newValue = try row.decode(column: "new_value", as: String?.self)
        var values: [String: String] = [:]
        if parsed == .created, let json = newValue {
            guard let decoded = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
                throw StoreError.corruptRow(table: "events", detail: "creation values are not a JSON object of strings")
            }
            values = decoded
        }
        return FeedEvent(
            position: try row.decode(column: "position", as: Int64.self),
            recordID: try row.decode(column: "record_id", as: Int64?.self).map { String($0) },
            conversationID: try row.decode(column: "conversation_id", as: Int64?.self),
            objectType: try row.decode(column: "object_type", as: String.self),
            kind: parsed,
            property: try row.decode(column: "property", as: String?.self),
            oldValue: try row.decode(column: "old_value", as: String?.self),
            newValue: parsed == .created ? nil : newValue,
            values: values,
            actor: try row.decode(column: "actor", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            occurredAt: Timestamp(millisecondsSince1970: try row.decode(column: "occurred_at", as: Int64.self)))
    }
}
