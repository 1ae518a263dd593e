import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// Gathers single-record creations that arrive while others are being stored, and stores them
/// together: one transaction and a handful of statements for many records, instead of one
/// transaction each. A caller waits no longer than for the batch in progress; when nothing else
/// is going on, a creation is stored at once. Should a batch fail as a whole, each of its records
/// is tried again on its own, so that one record's problem is reported to its caller only.
final class CreationQueue: Sendable {
    private struct Waiting {
        var creation: RecordService.Creation
        var continuation: CheckedContinuation<Record, any Error>
    }

    private struct Lane {
        var schema: RecordSchema
        var waiting: [Waiting] = []
        var batchesStoring = 0
    }

    static let maxBatch = 256

    private let database: Database
    private let lanes = NIOLockedValueBox<[String: Lane]>([:])
    /// SQLite has one writer. PostgreSQL commits several transactions in one flush of its log,
    /// so a few batches stored side by side share that wait.
    private let concurrentBatches: Int

    init(database: Database) {
        self.database = database
        self.concurrentBatches = database.dialect == .sqlite ? 1 : 4
    }

    func submit(_ creation: RecordService.Creation, schema: RecordSchema) async throws -> Record {
        try await withCheckedThrowingContinuation { continuation in
            let key = schema.type.id
            let start = lanes.withLockedValue { lanes in
                var lane = lanes[key] ?? Lane(schema: schema)
                lane.schema = schema
                lane.waiting.append(Waiting(creation: creation, continuation: continuation))
                let start = lane.batchesStoring < concurrentBatches
                if start { lane.batchesStoring += 1 }
                lanes[key] = lane
                return start
            }
            if start {
                Task(executorPreference: database.writeExecutor) { await self.drain(key) }
            }
        }
    }

    private func drain(_ key: String) async {
        while true {
            let next = lanes.withLockedValue { lanes -> (RecordSchema, [Waiting])? in
                guard var lane = lanes[key], !lane.waiting.isEmpty else {
                    lanes[key]?.batchesStoring -= 1
                    return nil
                }
                let batch = Array(lane.waiting.prefix(Self.maxBatch))
                lane.waiting.removeFirst(batch.count)
                lanes[key] = lane
                return (lane.schema, batch)
            }
            guard let (schema, batch) = next else { return }
            await store(batch, schema: schema)
        }
    }

    private func store(_ batch: [Waiting], schema: RecordSchema) async {
        let creations = batch.map(\.creation)
        do {
            let records = try await database.write { session in
                try await RecordService.store(creations, schema: schema, session: session)
            }
            for (waiting, record) in zip(batch, records) {
                waiting.continuation.resume(returning: record)
            }
        } catch {
            guard batch.count > 1 else {
                batch[0].continuation.resume(throwing: error)
                return
            }
            for waiting in batch {
                await store([waiting], schema: schema)
            }
        }
    }
}
