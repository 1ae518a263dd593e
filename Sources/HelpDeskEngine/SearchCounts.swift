import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// Totals of recent searches. Views ask the same question again and again, and an exact count
/// over tens of thousands of matches costs tens of milliseconds, while the page itself costs one
/// or two. A total stays right until the next event (every record change writes one); `maxAge`
/// bounds what the latest event id cannot see: a change another server sharing PostgreSQL
/// commits out of id order.
final class SearchCounts: Sendable {
    private struct Key: Hashable {
        var type: String
        var request: SearchRequest
        var visibility: Visibility
    }

    private struct Entry {
        var total: Int
        var latestEvent: Int64
        var storedAt: ContinuousClock.Instant
    }

    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    private let maxAge: Duration = .seconds(10)
    private let capacity = 4_096

    /// The number of matches, counted again only when records changed since it was last counted.
    func total(of request: SearchRequest, schema: RecordSchema, visibility: Visibility,
               session: StoreSession) async throws -> Int {
        // Only filters and query decide the count; sorts and paging do not.
        var question = request
        question.sorts = []
        question.properties = []
        question.limit = 0
        question.offset = 0
        let key = Key(type: schema.type.id, request: question, visibility: visibility)
        let latestEvent = try await session.latestEventID()
        let now = ContinuousClock.now
        if let entry = entries.withLockedValue({ $0[key] }), entry.latestEvent == latestEvent,
           entry.storedAt.duration(to: now) < maxAge {
            return entry.total
        }
        let total = try await session.countRecords(request, schema: schema, visibility: visibility)
        entries.withLockedValue { entries in
            if entries.count >= capacity {
                entries.removeAll(keepingCapacity: true)
            }
            entries[key] = Entry(total: total, latestEvent: latestEvent, storedAt: now)
        }
        return total
    }

    func removeAll() {
        entries.withLockedValue { $0.removeAll() }
    }
}
