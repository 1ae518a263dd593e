import HelpDeskStore

/// Where a help desk keeps its data: an embedded SQLite file, or a PostgreSQL database that
/// several servers may share.
public enum Storage: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `--database`: a `postgres://` URL, `sqlite:PATH`, or a file path.
    public init(argument: String) {
        if argument.hasPrefix("postgres://") || argument.hasPrefix("postgresql://") {
            self = .postgres(url: argument)
        } else {
            self = .sqlite(path: argument.hasPrefix("sqlite:") ? String(argument.dropFirst(7)) : argument)
        }
    }

    var location: Database.Location {
        switch self {
        case .sqlite(let path): .sqlite(path: path)
        case .postgres(let url): .postgres(url: url)
        }
    }
}
