import HelpDeskCore
import SQLKit

/// Storage of links between records. Each link is kept in both directions so that either side
/// reads it with one indexed query.
extension StoreSession {
    package func associate(fromType: String, fromID: Int64, toType: String, toID: Int64,
                          type: AssociationType, now: Timestamp) async throws {
        try await associate([AssociationRow(fromType: fromType, fromID: fromID, toType: toType, toID: toID, type: type, createdAt: now)])
    }

    /// Stores links, each in both directions, in one statement.
    package func associate(_ links: [AssociationRow]) async throws {
        guard !links.isEmpty else { return }
        var query: SQLQueryString = "INSERT INTO associations (from_type, from_id, to_type, to_id, type_id, category, created_at) VALUES "
        var first = true
        for link in links {
            for (a, aID, b, bID, typeID) in [(link.fromType, link.fromID, link.toType, link.toID, link.type.id),
                                             (link.toType, link.toID, link.fromType, link.fromID, link.type.inverseID)] {
                if !first { query += ", " }
                first = false
                query += "(\(bind: a), \(bind: aID), \(bind: b), \(bind: bID), \(bind: typeID), \(bind: link.type.category), \(bind: link.createdAt.millisecondsSince1970))"
            }
        }
        query += " ON CONFLICT DO NOTHING"
        try await sql.raw(query).run()
    }

    /// Removes every link between the two records.
    package func dissociate(fromType: String, fromID: Int64, toType: String, toID: Int64) async throws {
        try await sql.raw("""
            DELETE FROM associations WHERE (from_type = \(bind: fromType) AND from_id = \(bind: fromID)
                AND to_type = \(bind: toType) AND to_id = \(bind: toID))
              OR (from_type = \(bind: toType) AND from_id = \(bind: toID) AND to_type = \(bind: fromType) AND to_id = \(bind: fromID))
            """).run()
    }

    /// The records of `toType` linked to each of the given records, grouped by record; only those
    /// the reader may see (R8).
    package func associations(fromType: String, fromIDs: [Int64], toType: String, afterID: Int64 = 0,
                             limit: Int = 500, visibility: Visibility) async throws -> [Int64: [Association]] {
        guard !fromIDs.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT a.from_id, a.to_id, a.type_id, a.category FROM associations a
            JOIN records r ON r.id = a.to_id AND r.archived = 0
            WHERE a.from_type = \(bind: fromType) AND a.from_id IN (\(binds: fromIDs)) AND a.to_type = \(bind: toType)
              AND a.to_id > \(bind: afterID) \(visibility.condition)
            ORDER BY a.from_id, a.to_id, a.type_id LIMIT \(bind: limit * max(1, fromIDs.count))
            """).all()
        var result: [Int64: [Association]] = [:]
        for row in rows {
            let from = try row.decode(column: "from_id", as: Int64.self)
            let to = String(try row.decode(column: "to_id", as: Int64.self))
            let type = AssociationType(id: try row.decode(column: "type_id", as: Int.self), inverseID: 0,
                                       category: try row.decode(column: "category", as: String.self))
            if let last = result[from]?.last, last.toObjectID == to {
                result[from]![result[from]!.count - 1].types.append(type)
            } else {
                result[from, default: []].append(Association(toObjectID: to, types: [type]))
            }
        }
        return result
    }
}

/// One link to store: from a record to a record of another type.
package struct AssociationRow: Sendable {
    package var fromType: String
    package var fromID: Int64
    package var toType: String
    package var toID: Int64
    package var type: AssociationType
    package var createdAt: Timestamp

    package init(fromType: String, fromID: Int64, toType: String, toID: Int64, type: AssociationType, createdAt: Timestamp) {
        self.fromType = fromType
        self.fromID = fromID
        self.toType = toType
        self.toID = toID
        self.type = type
        self.createdAt = createdAt
    }
}
