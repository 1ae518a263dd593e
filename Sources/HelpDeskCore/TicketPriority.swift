/// The rank of a ticket's priority (`hs_ticket_priority`), by which a list puts the most urgent
/// tickets first: urgent 4, high 3, medium 2, low 1. Every ticket has one: a ticket without a
/// priority, or with a value that is not one of these, ranks 0.
public enum TicketPriority {
    public static let property = "hs_ticket_priority"

    /// The priorities that rank above none, highest first.
    public static let rankedValues = ["URGENT", "HIGH", "MEDIUM", "LOW"]

    /// Every rank there is, lowest to highest.
    public static let ranks: ClosedRange<Int64> = 0...Int64(rankedValues.count)

    public static func rank(of value: String?) -> Int64 {
        value.flatMap { rankedValues.firstIndex(of: $0) }.map { Int64(rankedValues.count - $0) } ?? 0
    }
}
