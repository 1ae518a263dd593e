import Foundation
import HelpDeskCore
import SQLKit

/// Storage of the views agents save from filters (V1). A view's conditions and order are kept
/// as one JSON document: they are read whole and never searched.
extension StoreSession {
    /// The stored form of a view's definition.
    struct Definition: Codable {
        struct Condition: Codable {
            var property: String
            var `operator`: String
            var value: String?
            var highValue: String?
            var values: [String]?
        }

        var filters: [Condition]
        var sort: String
    }

    /// The views `userID` made and those shared with one of `teamIDs`, by name.
    package func savedViews(authorID: String, teamIDs: [String]) async throws -> [SavedView] {
        let shared: SQLQueryString = teamIDs.isEmpty ? "" : " OR team_id IN (\(binds: teamIDs))"
        return try await sql.raw("SELECT * FROM saved_views WHERE author_id = \(bind: authorID)\(shared) ORDER BY lower(name), id")
            .all().map(Self.savedView)
    }

    package func savedView(id: String) async throws -> SavedView? {
        guard let numeric = Int64(id) else { return nil }
        return try await sql.raw("SELECT * FROM saved_views WHERE id = \(bind: numeric)").first().map(Self.savedView)
    }

    package func insertSavedView(_ view: SavedView, now: Timestamp) async throws -> SavedView {
        let row = try await sql.raw("""
            INSERT INTO saved_views (name, author_id, team_id, definition, created_at, updated_at)
            VALUES (\(bind: view.name), \(bind: view.authorID), \(bind: view.teamID), \(bind: try Self.definition(of: view)),
                    \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970)) RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else {
            throw StoreError.corruptRow(table: "saved_views", detail: "insert returned no id")
        }
        var saved = view
        saved.id = String(id)
        return saved
    }

    /// Returns whether there was such a view.
    package func updateSavedView(_ view: SavedView, now: Timestamp) async throws -> Bool {
        guard let numeric = Int64(view.id) else { return false }
        return try await !sql.raw("""
            UPDATE saved_views SET name = \(bind: view.name), team_id = \(bind: view.teamID),
                definition = \(bind: try Self.definition(of: view)), updated_at = \(bind: now.millisecondsSince1970)
            WHERE id = \(bind: numeric) RETURNING id
            """).all().isEmpty
    }

    /// Returns whether there was such a view.
    package func deleteSavedView(id: String) async throws -> Bool {
        guard let numeric = Int64(id) else { return false }
        return try await !sql.raw("DELETE FROM saved_views WHERE id = \(bind: numeric) RETURNING id").all().isEmpty
    }

    static func definition(of view: SavedView) throws -> String {
        let definition = Definition(filters: view.filters.map {
            .init(property: $0.propertyName, operator: $0.operator.rawValue, value: $0.value, highValue: $0.highValue,
                  values: $0.values.isEmpty ? nil : $0.values)
        }, sort: view.sort.rawValue)
        return String(decoding: try JSONEncoder().encode(definition), as: UTF8.self)
    }

    static func savedView(_ row: any SQLRow) throws -> SavedView {
        let id = try row.decode(column: "id", as: Int64.self)
        let text = try row.decode(column: "definition", as: String.self)
        let definition: Definition
        do {
            definition = try JSONDecoder().decode(Definition.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRow(table: "saved_views", detail: "view \(id): \(error)")
        }
        var filters: [SearchRequest.Filter] = []
        for condition in definition.filters {
            guard let op = SearchRequest.Operator(rawValue: condition.operator) else {
                throw StoreError.corruptRow(table: "saved_views", detail: "view \(id): operator \(condition.operator)")
            }
            filters.append(.init(propertyName: condition.property, operator: op, value: condition.value,
                                 highValue: condition.highValue, values: condition.values ?? []))
        }
        return SavedView(id: String(id), name: try row.decode(column: "name", as: String.self),
                         authorID: try row.decode(column: "author_id", as: String.self),
                         teamID: try row.decode(column: "team_id", as: String?.self), filters: filters,
                         sort: ListSort(rawValue: definition.sort) ?? .lastActivity)
    }
}
