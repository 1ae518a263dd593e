import Foundation
import HelpDeskCore
import HelpDeskEngine
import HelpDeskStore
import Logging
import NIOConcurrencyHelpers

/// The spine under load, in this process: how long an event takes from its commit on one server
/// to a consumer on another (two help desks opened on one PostgreSQL database; on SQLite, which
/// one server writes, to a consumer on the same one), and how many jobs a second the job runners
/// get through.
enum FeedLoad {
    static func measure(_ location: Storage, tickets: Int, jobs: Int) async throws {
        var logger = Logger(label: "helpdesk-bench")
        logger.logLevel = .error
        let writer = try await HelpDesk.open(location, logger: logger)
        let shared: Bool
        if case .postgres = location { shared = true } else { shared = false }
        let reader = shared ? try await HelpDesk.open(location, logger: logger) : writer
        let admin = try await writer.people.createUser(UserDraft(email: "feed-bench-\(UUID().uuidString)@example.com", roles: [.superAdmin]))
        let caller = Caller(user: admin, source: "BENCH")

        // Commit instants by ticket id, seen instants by ticket id.
        let committed = NIOLockedValueBox<[String: ContinuousClock.Instant]>([:])
        let seen = NIOLockedValueBox<[String: ContinuousClock.Instant]>([:])
        let consumer = FeedConsumer(name: "bench-\(UUID().uuidString)") { events, _ in
            let now = ContinuousClock.now
            seen.withLockedValue { seen in
                for event in events where event.kind == .created { if let id = event.recordID { seen[id] = now } }
            }
        }
        let consuming = Task { await reader.run(consumer) }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for number in stride(from: client, to: tickets, by: 8) {
                        let ticket = try await writer.records.create(type: "tickets", [RecordInput(properties: [
                            "subject": "Feed bench \(number)", "hs_pipeline": "0", "hs_pipeline_stage": "1",
                        ])], by: caller)[0]
                        let now = ContinuousClock.now
                        committed.withLockedValue { $0[ticket.id] = now }
                    }
                }
            }
            try await group.waitForAll()
        }
        let writing = started.duration(to: .now)
        let deadline = ContinuousClock.now + .seconds(30)
        while seen.withLockedValue({ $0.count }) < tickets, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        consuming.cancel()
        await consuming.value
        let lags = committed.withLockedValue { committed in
            seen.withLockedValue { seen in committed.compactMap { id, at in seen[id].map { max(.zero, at.duration(to: $0)) } } }
        }.sorted()
        print(String(format: "feed: %d tickets written at %.0f/s; commit to a consumer on %@: p50 %@, p99 %@ (%d seen)",
                     tickets, Double(tickets) / seconds(writing), (shared ? "another server" : "the same server") as NSString,
                     format(percentile(lags, 0.5)), format(percentile(lags, 0.99)), lags.count))

        // Jobs whose effects are in the database, run by both servers at once.
        let kind = JobKind(name: "bench.noop", work: .inDatabase { _, _ in })
        let now = Timestamp.now()
        for start in stride(from: 0, to: jobs, by: 1000) {
            try await writer.database.write { session in
                for number in start..<min(start + 1000, jobs) {
                    try await session.enqueue(NewJob(kind: kind.name, payload: String(number), runAt: now), now: now)
                }
            }
        }
        let runStarted = ContinuousClock.now
        let runners = (shared ? [writer, reader] : [writer]).map { desk in Task { try await JobRunner(desk: desk, kinds: [kind]).run() } }
        let jobDeadline = ContinuousClock.now + .seconds(120)
        while try await writer.database.read({ try await $0.nextJobTime(kinds: [kind.name]) }) != nil, ContinuousClock.now < jobDeadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let running = runStarted.duration(to: .now)
        for runner in runners {
            runner.cancel()
            _ = await runner.result
        }
        print(String(format: "jobs: %d run by %@ in %.2f s: %.0f jobs/s", jobs, (shared ? "two servers" : "one server") as NSString,
                     seconds(running), Double(jobs) / seconds(running)))
        if shared { await reader.close() }
        await writer.close()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func percentile(_ sorted: [Duration], _ fraction: Double) -> Duration {
        guard !sorted.isEmpty else { return .zero }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    static func format(_ duration: Duration) -> NSString {
        String(format: "%.1f ms", seconds(duration) * 1000) as NSString
    }
}
