import Foundation
import HelpDeskCore
import SQLKit

/// Storage of records, their search index and their full-text index.
extension StoreSession {
    /// Inserts a record and returns its new id.
    public func insertRecord(
        type: ObjectType, properties: [String: String], index: [IndexedValue], ownerID: String?, teamID: String?,
        now: Timestamp
    ) async throws -> Int64 {
        let json = try Self.encode(properties)
        let text = IndexedValue.fullText(of: properties, type: type)
        let search: SQLQueryString = dialect == .postgres ? ", search_text" : ""
        let searchValue: SQLQueryString = dialect == .postgres ? ", \(bind: text)" : ""
        let row = try await sql.raw("""
            INSERT INTO records (object_type, properties, owner_id, team_id, created_at, updated_at\(search))
            VALUES (\(bind: type.id), \(bind: json), \(bind: ownerID), \(bind: teamID),
                    \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970)\(searchValue))
            RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else {
            throw StoreError.corruptRow(table: "records", detail: "insert returned no id")
        }
        try await insertIndex(recordID: id, type: type, index: index)
        if dialect == .sqlite {
            try await sql.raw("INSERT INTO record_search (rowid, body) VALUES (\(bind: id), \(bind: text))").run()
        }
        return id
    }

    /// Replaces a record's values (and index entries) with new ones.
    public func updateRecord(
        id: Int64, type: ObjectType, properties: [String: String], index: [IndexedValue], ownerID: String?,
        teamID: String?, now: Timestamp
    ) async throws {
        let json = try Self.encode(properties)
        let text = IndexedValue.fullText(of: properties, type: type)
        let search: SQLQueryString = dialect == .postgres ? ", search_text = \(bind: text)" : ""
        try await sql.raw("""
            UPDATE records SET properties = \(bind: json), owner_id = \(bind: ownerID), team_id = \(bind: teamID),
                updated_at = \(bind: now.millisecondsSince1970)\(search)
            WHERE id = \(bind: id)
            """).run()
        try await sql.raw("DELETE FROM record_values WHERE record_id = \(bind: id)").run()
        try await insertIndex(recordID: id, type: type, index: index)
        if dialect == .sqlite {
            try await sql.raw("DELETE FROM record_search WHERE rowid = \(bind: id)").run()
            try await sql.raw("INSERT INTO record_search (rowid, body) VALUES (\(bind: id), \(bind: text))").run()
        }
    }

    func insertIndex(recordID: Int64, type: ObjectType, index: [IndexedValue]) async throws {
        guard !index.isEmpty else { return }
        var query: SQLQueryString = "INSERT INTO record_values (record_id, object_type, name, text_value, number_value) VALUES "
        for (position, entry) in index.enumerated() {
            if position > 0 { query += ", " }
            query += "(\(bind: recordID), \(bind: type.id), \(bind: entry.name), \(bind: entry.text), \(bind: entry.number))"
        }
        try await sql.raw(query).run()
    }

    /// Moves records to the archive; they no longer show in lists and searches.
    public func archiveRecords(ids: [Int64], now: Timestamp) async throws {
        guard !ids.isEmpty else { return }
        try await sql.raw("""
            UPDATE records SET archived = 1, archived_at = \(bind: now.millisecondsSince1970)
            WHERE id IN (\(binds: ids)) AND archived = 0
            """).run()
    }

    /// Reads records of one type by id, in no particular order. Archived records only when asked.
    public func records(type: ObjectType, ids: [Int64], archived: Bool = false) async throws -> [Record] {
        guard !ids.isEmpty else { return [] }
        let rows = try await sql.raw("""
            SELECT id, object_type, properties, created_at, updated_at, archived, archived_at FROM records
            WHERE object_type = \(bind: type.id) AND id IN (\(binds: ids)) AND archived = \(bind: archived ? 1 : 0)
            """).all()
        return try rows.map(Self.record)
    }

    /// One page of a type's records in id order, starting after `afterID`.
    public func recordPage(type: ObjectType, afterID: Int64, limit: Int, archived: Bool, visibility: Visibility) async throws -> [Record] {
        let rows = try await sql.raw("""
            SELECT id, object_type, properties, created_at, updated_at, archived, archived_at FROM records
            WHERE object_type = \(bind: type.id) AND archived = \(bind: archived ? 1 : 0) AND id > \(bind: afterID)
            \(visibility.condition) ORDER BY id LIMIT \(bind: limit)
            """).all()
        return try rows.map(Self.record)
    }

    /// Finds a record of a type by a property value (for `idProperty` reads and unique checks).
    public func recordIDs(type: ObjectType, property: String, values: [String]) async throws -> [String: Int64] {
        guard !values.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT v.record_id, v.text_value FROM record_values v JOIN records r ON r.id = v.record_id
            WHERE v.object_type = \(bind: type.id) AND v.name = \(bind: property)
              AND v.text_value IN (\(binds: values.map(IndexedValue.searchable))) AND r.archived = 0
            """).all()
        var result: [String: Int64] = [:]
        for row in rows {
            result[try row.decode(column: "text_value", as: String.self)] = try row.decode(column: "record_id", as: Int64.self)
        }
        return result
    }

    static func record(from row: any SQLRow) throws -> Record {
        let json = try row.decode(column: "properties", as: String.self)
        guard let properties = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            throw StoreError.corruptRow(table: "records", detail: "properties are not a JSON object of strings")
        }
        let archivedAt = try row.decode(column: "archived_at", as: Int64?.self)
        return Record(
            id: String(try row.decode(column: "id", as: Int64.self)),
            objectType: try row.decode(column: "object_type", as: String.self),
            properties: properties,
            createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Timestamp(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)),
            archived: try row.decode(column: "archived", as: Int64.self) != 0,
            archivedAt: archivedAt.map(Timestamp.init(millisecondsSince1970:)))
    }

    static func encode(_ properties: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(properties), as: UTF8.self)
    }
}

/// R8: which records of the help desk a reader may see, as a condition on `records`.
public enum Visibility: Sendable {
    case everything
    case ownedBy(String)
    case ownedByOrTeams(String, [String])

    var condition: SQLQueryString {
        switch self {
        case .everything:
            ""
        case .ownedBy(let owner):
            "AND owner_id = \(bind: owner)"
        case .ownedByOrTeams(let owner, let teams):
            teams.isEmpty ? "AND owner_id = \(bind: owner)"
                : "AND (owner_id = \(bind: owner) OR team_id IN (\(binds: teams)))"
        }
    }
}

extension StoreSession {
    /// How many live records of a type hold a value (for example, are in a stage).
    public func countRecords(type: ObjectType, property: String, value: String) async throws -> Int {
        let row = try await sql.raw("""
            SELECT COUNT(*) AS n FROM record_values v JOIN records r ON r.id = v.record_id AND r.archived = 0
            WHERE v.object_type = \(bind: type.id) AND v.name = \(bind: property)
              AND v.text_value = \(bind: IndexedValue.searchable(value))
            """).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}
