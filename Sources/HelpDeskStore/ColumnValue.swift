import PostgresKit
import SQLiteNIO

/// A value for one column of a bulk insert. The store's busiest statements insert many rows at
/// once; typed this way, SQLite receives them as they are, without SQLKit's serializer and
/// `Encoder` per value, which cost more than the insert itself inside the single writer;
/// PostgreSQL receives them as binary parameters.
enum ColumnValue: Sendable {
    case integer(Int64?)
    case real(Double?)
    case text(String?)

    var sqlite: SQLiteData {
        switch self {
        case .integer(let value): value.map { .integer(Int($0)) } ?? .null
        case .real(let value): value.map { .float($0) } ?? .null
        case .text(let value): value.map { .text($0) } ?? .null
        }
    }

    /// Binds the value for PostgreSQL. A missing value goes untyped: the server takes the
    /// column's type for it.
    func append(to binds: inout PostgresBindings) {
        switch self {
        case .integer(let value?): binds.append(value)
        case .real(let value?): binds.append(value)
        case .text(let value?): binds.append(value)
        case .integer(nil), .real(nil), .text(nil): binds.appendNull()
        }
    }
}
