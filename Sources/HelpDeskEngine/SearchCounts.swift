import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// Totals of recent searches. Views ask the same question again and again, and an exact count
/// over tens of thousands of matches costs tens of milliseconds, while the page itself costs one
/// or two. Every change that can move a total (records, conversations, pipelines, properties,
/// users and teams) appends to the feed in its transaction, and feed positions follow commit
/// order on every server, so a total counted at one head position stays right until the head moves.
final class SearchCounts: Sendable {
    private struct Key: Hashable {
        var type: String
        var request: SearchRequest
        var visibility: Visibility
        var cap: Int?
    }

    private struct Entry {
        var total: Int
        var head: Int64
    }

    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    private let capacity = 4_096

    /// The number of matches, counted again only when the feed moved since it was last counted.
    /// With `upTo`, at most that many are counted (see `countRecords`).
    func total(of request: SearchRequest, schema: RecordSchema, visibility: Visibility, upTo cap: Int? = nil,
               session: StoreSession) async throws -> Int {
        // Only filters and query decide the count; sorts and paging do not.
        var question = request
        question.sorts = []
        question.properties = []
        question.limit = 0
        question.offset = 0
        question.start = nil
        let key = Key(type: schema.type.id, request: question, visibility: visibility, cap: cap)
        // Read before counting: a change committed in between makes the total newer than its
        // head, which only costs a recount.
        let head = try await session.feedHead()
        if let cached = entries.withLockedValue({ $0[key] }), cached.head == head {
            return cached.total
        }
        let total = try await session.countRecords(question, schema: schema, visibility: visibility, upTo: cap)
        entries.withLockedValue { entries in
            if entries.count >= capacity {
                entries.removeAll(keepingCapacity: true)
            }
            if let current = entries[key], current.head > head { return }
            entries[key] = Entry(total: total, head: head)
        }
        return total
    }
}
