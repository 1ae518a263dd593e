/// Where the next page of a list starts (keyset paging): just after the record whose leading
/// sort value and id are these. Unlike a count of rows to skip, it costs the same on the
/// thousandth page as on the first, and a ticket that moves up while the agent pages on neither
/// repeats nor hides another one.
public struct ListPosition: Sendable, Hashable, LosslessStringConvertible {
    /// The leading sort's value of the last record shown: a time in milliseconds, or an id.
    public var value: Int64
    public var id: Int64

    public init(value: Int64, id: Int64) {
        self.value = value
        self.id = id
    }

    /// Reads the form `description` writes, `VALUE_ID`; anything else is no position.
    public init?(_ text: String) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, let value = Int64(parts[0]), let id = Int64(parts[1]), id > 0 else { return nil }
        self.init(value: value, id: id)
    }

    public var description: String { "\(value)_\(id)" }
}
