/// Failures of the storage layer that a user can act on.
package enum StoreError: Error, CustomStringConvertible {
    case badDatabaseURL(String)
    case corruptRow(table: String, detail: String)
    case closed
    /// A read tried to write; a defect of the caller.
    case readOnly
    /// A search ran longer than `Database.searchTimeout` and was stopped.
    case searchTimedOut
    /// A write named a row by an id that cannot be one; a defect of the caller.
    case malformedID(table: String, id: String)

    /// The row id in `id`, for a write that must not go astray.
    package static func rowID(_ id: String, of table: String) throws -> Int64 {
        guard let row = Int64(id) else { throw malformedID(table: table, id: id) }
        return row
    }

    package var description: String {
        switch self {
        case .badDatabaseURL(let url):
            "Cannot read the database URL \"\(url)\"; expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE."
        case .corruptRow(let table, let detail):
            "A row of table \(table) could not be read: \(detail)."
        case .closed:
            "The database is closed: the help desk is shutting down."
        case .readOnly:
            "A change was attempted outside a write transaction."
        case .searchTimedOut:
            "The search took longer than \(Database.searchTimeout.components.seconds) seconds and was stopped; narrow it with more filters."
        case .malformedID(let table, let id):
            "\"\(id)\" is not an id of a row of \(table); nothing was written."
        }
    }
}
