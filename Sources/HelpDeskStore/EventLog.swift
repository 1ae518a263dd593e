import Foundation
import HelpDeskCore
import SQLKit

/// The event feed: append-only, in commit order. A write's events wait in its `WriteEffects`
/// and are written as its last step, under the lock of the feed's head row: positions are handed
/// out while that lock is held and it is released by the commit, so a transaction that commits
/// later always gets later positions, also with several servers writing into one PostgreSQL
/// database. A reader that asks for "after N" therefore never skips an event that commits late.
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
        let row = try await sql.raw("SELECT position FROM feed_head WHERE id = 1").first()
        return try row?.decode(column: "position", as: Int64.self) ?? 0
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
