import Foundation
import HelpDeskCore
import SQLKit

/// Storage of the account's configuration: pipelines, custom object types and custom properties.
/// Each is kept as one JSON document per row: they are read whole and written rarely.
extension StoreSession {
    package func pipelines(objectType: String, includeArchived: Bool = false) async throws -> [Pipeline] {
        let rows = try await sql.raw("""
            SELECT definition FROM pipelines WHERE object_type = \(bind: objectType)
            \(unsafeRaw: includeArchived ? "" : "AND archived = 0")
            """).all()
        return try rows.map { try Self.decodeJSON(Pipeline.self, $0, table: "pipelines") }
            .sorted { ($0.displayOrder, $0.id) < ($1.displayOrder, $1.id) }
    }

    package func savePipeline(_ pipeline: Pipeline) async throws {
        let json = try Self.encodeJSON(pipeline)
        try await sql.raw("""
            INSERT INTO pipelines (object_type, id, definition, archived)
            VALUES (\(bind: pipeline.objectType), \(bind: pipeline.id), \(bind: json), \(bind: pipeline.archived ? 1 : 0))
            ON CONFLICT (object_type, id) DO UPDATE SET definition = excluded.definition, archived = excluded.archived
            """).run()
        if pipeline.objectType == ObjectType.tickets.id { try await syncOpenTicketStages() }
    }

    package func customObjectTypes(includeArchived: Bool = false) async throws -> [ObjectType] {
        let rows = try await sql.raw("""
            SELECT definition FROM object_types \(unsafeRaw: includeArchived ? "" : "WHERE archived = 0") ORDER BY id
            """).all()
        return try rows.map { try Self.decodeJSON(ObjectType.self, $0, table: "object_types") }
    }

    package func saveObjectType(_ type: ObjectType, archived: Bool = false, now: Timestamp) async throws {
        let json = try Self.encodeJSON(type)
        try await sql.raw("""
            INSERT INTO object_types (id, name, definition, archived, created_at, updated_at)
            VALUES (\(bind: type.id), \(bind: type.name), \(bind: json), \(bind: archived ? 1 : 0),
                    \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
            ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, archived = excluded.archived,
                updated_at = excluded.updated_at
            """).run()
    }

    package func customProperties(objectType: String) async throws -> [StoredProperty] {
        let rows = try await sql.raw("""
            SELECT definition, created_at, updated_at FROM properties
            WHERE object_type = \(bind: objectType) AND archived = 0 ORDER BY name
            """).all()
        return try rows.map { row in
            StoredProperty(
                definition: try Self.decodeJSON(PropertyDefinition.self, row, table: "properties"),
                createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
        }
    }

    package func saveProperty(_ definition: PropertyDefinition, objectType: String, archived: Bool = false, now: Timestamp) async throws {
        let json = try Self.encodeJSON(definition)
        try await sql.raw("""
            INSERT INTO properties (object_type, name, definition, archived, created_at, updated_at)
            VALUES (\(bind: objectType), \(bind: definition.name), \(bind: json), \(bind: archived ? 1 : 0),
                    \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
            ON CONFLICT (object_type, name) DO UPDATE SET definition = excluded.definition,
                archived = excluded.archived, updated_at = excluded.updated_at
            """).run()
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ row: any SQLRow, table: String) throws -> T {
        let json = try row.decode(column: "definition", as: String.self)
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch {
            throw StoreError.corruptRow(table: table, detail: "\(error)")
        }
    }

    static func encodeJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A custom property with its timestamps.
package struct StoredProperty: Sendable {
    package var definition: PropertyDefinition
    package var createdAt: Timestamp
    package var updatedAt: Timestamp
}
