import HelpDeskCore
import SQLKit

/// The append-only event log.
extension StoreSession {
    public func append(_ events: [RecordEvent]) async throws {
        try await insertRows(
            into: "events",
            columns: ["record_id", "object_type", "kind", "property", "old_value", "new_value", "actor", "source", "occurred_at"],
            events.map { event in
                [Int64(event.recordID) ?? 0, event.objectType, event.kind.rawValue, event.property, event.oldValue,
                 event.newValue, event.actor, event.source, event.occurredAt.millisecondsSince1970]
            })
    }

    /// The property changes of the given records, oldest first, for `propertiesWithHistory`.
    public func propertyHistory(recordIDs: [Int64], properties: [String]) async throws -> [RecordEvent] {
        guard !recordIDs.isEmpty, !properties.isEmpty else { return [] }
        let rows = try await sql.raw("""
            SELECT id, record_id, object_type, kind, property, old_value, new_value, actor, source, occurred_at
            FROM events WHERE record_id IN (\(binds: recordIDs)) AND property IN (\(binds: properties))
              AND kind = \(bind: RecordEvent.Kind.propertyChanged.rawValue)
            ORDER BY id
            """).all()
        return try rows.map(Self.event)
    }

    /// A record's whole timeline, newest first.
    public func timeline(recordID: Int64, limit: Int) async throws -> [RecordEvent] {
        let rows = try await sql.raw("""
            SELECT id, record_id, object_type, kind, property, old_value, new_value, actor, source, occurred_at
            FROM events WHERE record_id = \(bind: recordID) ORDER BY id DESC LIMIT \(bind: limit)
            """).all()
        return try rows.map(Self.event)
    }

    static func event(from row: any SQLRow) throws -> RecordEvent {
        let kind = try row.decode(column: "kind", as: String.self)
        guard let parsed = RecordEvent.Kind(rawValue: kind) else {
            throw StoreError.corruptRow(table: "events", detail: "unknown kind \(kind)")
        }
        return RecordEvent(
            id: try row.decode(column: "id", as: Int64.self),
            recordID: String(try row.decode(column: "record_id", as: Int64.self)),
            objectType: try row.decode(column: "object_type", as: String.self),
            kind: parsed,
            property: try row.decode(column: "property", as: String?.self),
            oldValue: try row.decode(column: "old_value", as: String?.self),
            newValue: try row.decode(column: "new_value", as: String?.self),
            actor: try row.decode(column: "actor", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            occurredAt: Timestamp(millisecondsSince1970: try row.decode(column: "occurred_at", as: Int64.self)))
    }
}
