import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// Totals of recent searches. Views ask the same question again and again, and an exact count
/// over tens of thousands of matches costs tens of milliseconds, while the page itself costs one
/// or two. A total stays right until the next event (every record change writes one in its
/// transaction), with two exceptions the latest event id does not reveal: on PostgreSQL,
/// concurrent transactions (of this server or another) commit events out of id order, and a
/// pipeline or property changed by another server changes what a search means. So a total older
/// than `maxAge` is counted again, in the background, while the searches asking go on with the
/// one they have: a total can be that much behind.
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

    private struct Entries {
        var byKey: [Key: Entry] = [:]
        /// Raised by `removeAll`, so that a recount begun before it is not kept.
        var generation = 0
    }

    private let database: Database
    private let entries = NIOLockedValueBox(Entries())
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
        let (cached, recount, generation) = entries.withLockedValue { entries -> (Int?, Bool, Int) in
            guard var entry = entries.byKey[key], entry.latestEvent == latestEvent else { return (nil, false, entries.generation) }
            guard entry.storedAt.duration(to: now) >= maxAge, !entry.recounting else {
                return (entry.total, false, entries.generation)
            }
            entry.recounting = true
            entries.byKey[key] = entry
            return (entry.total, true, entries.generation)
        }
        if recount {
            let counted = question
            Task {
                let total = try? await database.read { session in
                    try await session.countRecords(counted, schema: schema, visibility: visibility)
                }
                store(total, for: key, latestEvent: latestEvent, at: now, generation: generation, replacingRecount: true)
            }
        }
        if let cached { return cached }
        let total = try await session.countRecords(question, schema: schema, visibility: visibility)
        store(total, for: key, latestEvent: latestEvent, at: now, generation: generation, replacingRecount: false)
        return total
    }

    /// Keeps a count, unless the entries were cleared since it began, or (for a recount) the
    /// entry it refreshes was replaced meanwhile. A recount that failed (`nil`) lets the next
    /// search try again.
    private func store(_ total: Int?, for key: Key, latestEvent: Int64, at time: ContinuousClock.Instant,
                       generation: Int, replacingRecount: Bool) {
        entries.withLockedValue { entries in
            guard entries.generation == generation else { return }
            if replacingRecount {
                guard let current = entries.byKey[key], current.recounting, current.latestEvent == latestEvent else { return }
            }
            guard let total else {
                entries.byKey[key]?.recounting = false
                return
            }
            if entries.byKey.count >= capacity {
                entries.byKey.removeAll(keepingCapacity: true)
            }
            entries.byKey[key] = Entry(total: total, latestEvent: latestEvent, storedAt: time)
        }
    }

    func removeAll() {
        entries.withLockedValue { entries in
            entries.byKey.removeAll()
            entries.generation += 1
        }
    }
}
