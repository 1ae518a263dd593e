import Foundation
import HelpDeskCore
import PostgresKit
import SQLKit

/// Storage of records, their search index and their full-text index.
extension StoreSession {
    /// Inserts records of one type, each with the index entries of its values, and returns their
    /// new ids in the same order. A handful of statements whatever the number of records.
    package func insertRecords(type: ObjectType, _ records: [NewRecord]) async throws -> [Int64] {
        guard !records.isEmpty else { return [] }
        let ids = try await allocateRecordIDs(records.count)
        var rows: [[ColumnValue]] = []
        rows.reserveCapacity(records.count)
        for (id, record) in zip(ids, records) {
            let millis = record.createdAt.millisecondsSince1970
            rows.append([
                .integer(id), .text(type.id), .text(record.json), .text(record.properties[Record.ownerProperty]),
                .text(record.properties[Record.teamProperty]), .text(type.stageProperty.flatMap { record.properties[$0] }),
                .integer(Self.priorityRank(of: record.properties, type: type)), .integer(millis), .integer(millis), .text(record.fullText),
                .text(type.workType(of: record.properties)), .integer(record.properties[Record.ownerProperty] == nil ? nil : millis),
            ])
        }
        let columns = ["id", "object_type", "properties", "owner_id", "team_id", "stage", "priority", "created_at", "updated_at",
                       "search_text", "work_type", "assigned_at"]
        try await insertRows(into: "records", columns: columns, rows)
        try await insertIndex(zip(ids, records.map(\.index)).map { ($0, $1) }, type: type)
        return ids
    }

    /// Record ids are handed out before the insert, so that one statement can insert many records
    /// and each caller still knows which id is theirs.
    func allocateRecordIDs(_ count: Int) async throws -> [Int64] {
        switch dialect {
        case .sqlite:
            // Only the single writer inserts, inside this transaction: the next ids are free.
            let row = try await sql.raw("SELECT COALESCE(MAX(id), 0) AS last FROM records").first()
            let last = try row?.decode(column: "last", as: Int64.self) ?? 0
            return (1...Int64(count)).map { last + $0 }
        case .postgres:
            let rows = try await sql.raw("""
                SELECT nextval(pg_get_serial_sequence('records', 'id')) AS id FROM generate_series(1, \(bind: count))
                """).all()
            return try rows.map { try $0.decode(column: "id", as: Int64.self) }
        }
    }

    /// Replaces records' values (and index entries) with new ones.
    package func updateRecords(
        type: ObjectType, _ records: [(id: Int64, properties: [String: String], index: [IndexedValue])], now: Timestamp
    ) async throws {
        guard !records.isEmpty else { return }
        for record in records {
            let owner = record.properties[Record.ownerProperty]
            // A5 counts a ticket for its owner from the moment they got it.
            let assignedAt: SQLQueryString = owner == nil ? "NULL"
                : "CASE WHEN owner_id = \(bind: owner) THEN assigned_at ELSE \(bind: now.millisecondsSince1970) END"
            try await sql.raw("""
                UPDATE records SET properties = \(bind: Self.encode(record.properties)),
                    assigned_at = \(assignedAt), work_type = \(bind: type.workType(of: record.properties)),
                    owner_id = \(bind: owner),
                    team_id = \(bind: record.properties[Record.teamProperty]),
                    stage = \(bind: type.stageProperty.flatMap { record.properties[$0] }),
                    priority = \(bind: Self.priorityRank(of: record.properties, type: type)),
                    updated_at = \(bind: now.millisecondsSince1970),
                    search_text = \(bind: IndexedValue.fullText(of: record.properties, type: type))
                WHERE id = \(bind: record.id)
                """).run()
        }
        let ids = records.map(\.id)
        try await sql.raw("DELETE FROM record_values WHERE record_id IN (\(binds: ids))").run()
        try await insertIndex(records.map { ($0.id, $0.index) }, type: type)
    }

    /// The `priority` column: the rank of a ticket's priority, which lists by priority sort on;
    /// other records have none.
    static func priorityRank(of properties: [String: String], type: ObjectType) -> Int64 {
        TicketPriority.rank(of: type.isTicket ? properties[TicketPriority.property] : nil)
    }

    func insertIndex(_ entries: [(Int64, [IndexedValue])], type: ObjectType) async throws {
        var rows: [[ColumnValue]] = []
        for (id, index) in entries {
            for entry in index {
                rows.append([.integer(id), .text(type.id), .text(entry.name), .text(entry.text), .real(entry.number)])
            }
        }
        try await insertRows(into: "record_values", columns: ["record_id", "object_type", "name", "text_value", "number_value"], rows)
    }

    /// Moves records to the archive; they no longer show in lists and searches.
    package func archiveRecords(ids: [Int64], now: Timestamp) async throws {
        guard !ids.isEmpty else { return }
        try await sql.raw("""
            UPDATE records SET archived = 1, archived_at = \(bind: now.millisecondsSince1970)
            WHERE id IN (\(binds: ids)) AND archived = 0
            """).run()
    }

    /// Takes archived records out of the archive, as they were.
    package func restoreRecords(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await sql.raw("UPDATE records SET archived = 0, archived_at = NULL WHERE id IN (\(binds: ids)) AND archived = 1").run()
    }

    /// Reads records of one type by id, in no particular order. Archived records only when asked.
    package func records(type: ObjectType, ids: [Int64], archived: Bool = false) async throws -> [Record] {
        guard !ids.isEmpty else { return [] }
        let rows = try await sql.raw("""
            SELECT id, object_type, properties, created_at, updated_at, archived, archived_at FROM records
            WHERE object_type = \(bind: type.id) AND id IN (\(binds: ids)) AND archived = \(bind: archived ? 1 : 0)
            """).all()
        return try rows.map(Self.record)
    }

    /// One page of a type's records in id order, starting after `afterID`.
    package func recordPage(type: ObjectType, afterID: Int64, limit: Int, archived: Bool, visibility: Visibility) async throws -> [Record] {
        let rows = try await sql.raw("""
            SELECT id, object_type, properties, created_at, updated_at, archived, archived_at FROM records
            WHERE object_type = \(bind: type.id) AND archived = \(bind: archived ? 1 : 0) AND id > \(bind: afterID)
            \(visibility.condition) ORDER BY id LIMIT \(bind: limit)
            """).all()
        return try rows.map(Self.record)
    }

    /// Finds a record of a type by a property value (for `idProperty` reads and unique checks).
    package func recordIDs(type: ObjectType, property: String, values: [String]) async throws -> [String: Int64] {
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

    static func encode(_ properties: [String: String]) -> String {
        var writer = JSONWriter(capacity: 512)
        writer.object(properties)
        return writer.text
    }
}

/// R8: which records of the help desk a reader may see, as a condition on `records`.
package enum Visibility: Sendable, Hashable {
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
    package func countRecords(type: ObjectType, property: String, value: String) async throws -> Int {
        let row = try await sql.raw("""
            SELECT COUNT(*) AS n FROM record_values v JOIN records r ON r.id = v.record_id AND r.archived = 0
            WHERE v.object_type = \(bind: type.id) AND v.name = \(bind: property)
              AND v.text_value = \(bind: IndexedValue.searchable(value))
            """).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}

extension StoreSession {
    /// Both databases take at least 32,766 bound values in one statement; stay well below.
    static let maxBindsPerStatement = 30_000

    /// Inserts rows with as few multi-row statements as the bind limit allows.
    func insertRows(into table: String, columns: [String], _ rows: [[ColumnValue]]) async throws {
        guard !rows.isEmpty else { return }
        effects?.noteRows(rows.count)
        let perStatement = max(1, Self.maxBindsPerStatement / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            switch connection {
            case .sqlite(let sqlite):
                _ = try await sqlite.query(Self.insertStatement(table, columns: columns, rows: chunk.count),
                                           chunk.flatMap { $0.map(\.sqlite) })
            case .postgres(let postgres, let logger):
                var binds = PostgresBindings(capacity: chunk.count * columns.count)
                for row in chunk {
                    for value in row {
                        value.append(to: &binds)
                    }
                }
                let statement = Self.insertStatement(table, columns: columns, rows: chunk.count, numbered: true)
                try await postgres.query(PostgresQuery(unsafeSQL: statement, binds: binds), logger: logger)
            }
        }
    }

    /// `INSERT INTO table (columns) VALUES (?, ...), ...` with SQLite's placeholders, or
    /// PostgreSQL's `$1, $2, ...` when `numbered`.
    static func insertStatement(_ table: String, columns: [String], rows: Int, numbered: Bool = false) -> String {
        var statement = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        statement.reserveCapacity(statement.utf8.count + rows * columns.count * (numbered ? 7 : 2))
        for index in 0..<rows * columns.count {
            statement += index % columns.count == 0 ? (index == 0 ? "(" : "),(") : ","
            statement += numbered ? "$\(index + 1)" : "?"
        }
        return statement + ")"
    }
}

/// A record ready to be inserted: its values already encoded the way they are stored, so that
/// this work happens in the caller's task and not in the single writer's.
package struct NewRecord: Sendable {
    package let properties: [String: String]
    package let index: [IndexedValue]
    package let createdAt: Timestamp
    let json: String
    let fullText: String

    package init(properties: [String: String], schema: RecordSchema, createdAt: Timestamp) {
        self.properties = properties
        self.index = IndexedValue.entries(for: properties, schema: schema)
        self.createdAt = createdAt
        self.json = StoreSession.encode(properties)
        self.fullText = IndexedValue.fullText(of: properties, type: schema.type)
    }
}

extension ObjectType {
    /// A ticket's work type as routing counts loads (A5); other records have none.
    func workType(of properties: [String: String]) -> String? {
        isTicket ? WorkType(source: properties["source_type"]).rawValue : nil
    }
}
