import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// Totals of recent searches. Views ask the same question again and again, and an exact count
/// over tens of thousands of matches costs tens of milliseconds, while the page itself costs one
/// or two. A total stays right until the next event (every record change writes one in its
/// transaction).
///
/// On SQLite, with its single writer, the latest event id sees every change. On PostgreSQL
/// another server may commit an event with a lower id after a later one, which the latest id
/// does not reveal; so a total older than `maxAge` is counted again, in the background, while
/// the searches asking go on with the one they have.
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
        var recounting = false
    }

    private let database: Database
    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    private let maxAge: Duration = .seconds(10)
    private let capacity = 4_096

    init(database: Database) {
        self.database = database
    }

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
        let (cached, recount) = entries.withLockedValue { entries -> (Int?, Bool) in
            guard var entry = entries[key], entry.latestEvent == latestEvent else { return (nil, false) }
            guard session.dialect == .postgres, entry.storedAt.duration(to: now) >= maxAge, !entry.recounting else {
                return (entry.total, false)
            }
            entry.recounting = true
            entries[key] = entry
            return (entry.total, true)
        }
        if recount {
            let counted = question
            Task {
                let total = try? await database.read { session in
                    try await session.countRecords(counted, schema: schema, visibility: visibility)
                }
                store(total, for: key, latestEvent: latestEvent, at: now)
            }
        }
        if let cached { return cached }
        let total = try await session.countRecords(question, schema: schema, visibility: visibility)
        store(total, for: key, latestEvent: latestEvent, at: now)
        return total
    }

    /// Keeps a count; `nil` (a recount that failed) forgets the entry, so the next search counts.
    private func store(_ total: Int?, for key: Key, latestEvent: Int64, at time: ContinuousClock.Instant) {
        entries.withLockedValue { entries in
            guard let total else {
                entries[key] = nil
                return
            }
            if entries.count >= capacity {
                entries.removeAll(keepingCapacity: true)
            }
            entries[key] = Entry(total: total, latestEvent: latestEvent, storedAt: time)
        }
    }

    func removeAll() {
        entries.withLockedValue { $0.removeAll() }
    }
}
