import Foundation
import HelpDeskCore
import SQLKit

/// The append-only event log.
extension StoreSession {
    public func append(_ events: [RecordEvent]) async throws {
        try await insertRows(
            into: "events",
            columns: ["record_id", "object_type", "kind", "property", "old_value", "new_value", "actor", "source", "occurred_at"],
            events.map { event in
                let newValue = event.values.isEmpty ? event.newValue : Self.encode(event.values)
                return [.integer(Int64(event.recordID) ?? 0), .text(event.objectType), .text(event.kind.rawValue),
                        .text(event.property), .text(event.oldValue), .text(newValue), .text(event.actor),
                        .text(event.source), .integer(event.occurredAt.millisecondsSince1970)]
            })
    }

    /// The values the given properties of the given records have had, oldest first, for
    /// `propertiesWithHistory`: their first values from each creation, then every change.
    public func propertyHistory(recordIDs: [Int64], properties: [String]) async throws -> [RecordEvent] {
        guard !recordIDs.isEmpty, !properties.isEmpty else { return [] }
        let rows = try await sql.raw("""
            SELECT id, record_id, object_type, kind, property, old_value, new_value, actor, source, occurred_at
            FROM events WHERE record_id IN (\(binds: recordIDs))
              AND (kind = \(bind: RecordEvent.Kind.created.rawValue)
                   OR (kind = \(bind: RecordEvent.Kind.propertyChanged.rawValue) AND property IN (\(binds: properties))))
            ORDER BY id
            """).all()
        let wanted = Set(properties)
        return try rows.map(Self.event).flatMap { event -> [RecordEvent] in
            guard event.kind == .created else { return [event] }
            return event.values.keys.sorted().filter(wanted.contains).map { name in
                RecordEvent(id: event.id, recordID: event.recordID, objectType: event.objectType, kind: .propertyChanged,
                            property: name, newValue: event.values[name], actor: event.actor, source: event.source,
                            occurredAt: event.occurredAt)
            }
        }
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
        let newValue = try row.decode(column: "new_value", as: String?.self)
        var values: [String: String] = [:]
        if parsed == .created, let json = newValue {
            guard let decoded = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
                throw StoreError.corruptRow(table: "events", detail: "creation values are not a JSON object of strings")
            }
            values = decoded
        }
        return RecordEvent(
            id: try row.decode(column: "id", as: Int64.self),
            recordID: String(try row.decode(column: "record_id", as: Int64.self)),
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
