/// Where the next page of a list starts (keyset paging): just after the record whose leading
/// sort value and id are these. Unlike a count of rows to skip, it costs the same on the
/// thousandth page as on the first, and a ticket that moves up while the agent pages on neither
/// repeats nor hides another one.
public struct ListPosition: Sendable, Hashable, LosslessStringConvertible {
    /// In a list by priority, the rank of the last record's priority (`TicketPriority`), which
    /// leads that list's order; `nil` in the lists that lead with `value`.
    public var rank: Int64?
    /// The leading sort's value of the last record shown (after the rank, if any): a time in
    /// milliseconds, or an id.
    public var value: Int64
    public var id: Int64

    public init(rank: Int64? = nil, value: Int64, id: Int64) {
        self.rank = rank
        self.value = value
        self.id = id
    }

    /// Reads the forms `description` writes, `VALUE_ID` and `RANK_VALUE_ID`; anything else is no
    /// position.
    public init?(_ text: String) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Int64($0) }
        guard numbers.count == parts.count, (2...3).contains(numbers.count), let id = numbers.last, id > 0 else { return nil }
        self.init(rank: numbers.count == 3 ? numbers[0] : nil, value: numbers[numbers.count - 2], id: id)
    }

    public var description: String { (rank.map { "\($0)_" } ?? "") + "\(value)_\(id)" }
}
