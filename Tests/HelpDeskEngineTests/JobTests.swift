import HelpDeskCore
import HelpDeskEngine
import HelpDeskStore
import HelpDeskTestSupport
import NIOConcurrencyHelpers
import XCTest

/// Durable jobs: scheduled in the transaction that causes them, run once by one server.
final class JobTests: XCTestCase {
    /// A job whose effect is in the database: an entry in the feed naming its payload.
    static let marking = JobKind(name: "test.mark", work: .inDatabase { job, session in
        try session.append([FeedEvent(recordID: nil, objectType: "", kind: .propertyChanged, property: "test.mark",
                                      newValue: job.payload, actor: "system", source: "TEST", occurredAt: Timestamp.now())])
    })

    static func schedule(_ payloads: [String], on desk: HelpDesk, after delay: Int64 = 0, kind: String = "test.mark") async throws {
        let now = Timestamp.now()
        try await desk.database.write { session in
            for payload in payloads {
                try await session.enqueue(NewJob(kind: kind, payload: payload, runAt: now.adding(milliseconds: delay)), now: now)
            }
        }
    }

    static func marks(_ desk: HelpDesk) async throws -> [String] {
        try await desk.database.read { try await $0.events(after: 0, kinds: [.propertyChanged], limit: 100_000) }
            .filter { $0.property == "test.mark" }.compactMap(\.newValue)
    }

    func eventually(_ seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while try await !condition() {
            guard ContinuousClock.now < deadline else { return XCTFail("Condition not met within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func testJobScheduledForLaterSurvivesARestartAndRunsOnce() async throws {
        try await TestDatabases.eachLocation { location in
            let before = try await HelpDesk.open(location, logger: TestDatabases.logger)
            try await Self.schedule(["later"], on: before, after: 700)
            await before.close()

            let after = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let runner = Task { try await JobRunner(desk: after, kinds: [Self.marking]).run() }
            try await Task.sleep(for: .milliseconds(300))
            let early = try await Self.marks(after)
            XCTAssertEqual(early, [], "a job does not run before its time")
            try await eventually { try await Self.marks(after) == ["later"] }
            try await Task.sleep(for: .milliseconds(300))
            let marks = try await Self.marks(after)
            XCTAssertEqual(marks, ["later"])
            let next = try await after.database.read { try await $0.nextJobTime(kinds: ["test.mark"]) }
            XCTAssertNil(next, "a finished job is gone")
            runner.cancel()
            _ = await runner.result
            await after.close()
        }
    }

    func testJobTwoServersRacingRunEachJobOnce() async throws {
        guard TestDatabases.postgresURL != nil else { throw XCTSkip("Two servers share one database on PostgreSQL only") }
        try await TestDatabases.eachLocation { location in
            guard case .postgres = location else { return }
            let first = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let second = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let performed = NIOLockedValueBox<[String: Int]>([:])
            let sending = JobKind(name: "test.send", work: .outside(perform: { job in
                performed.withLockedValue { $0[job.payload, default: 0] += 1 }
            }, record: { _, _, _ in }))
            let runners = [first, second].map { desk in Task { try await JobRunner(desk: desk, kinds: [Self.marking, sending]).run() } }
            let payloads = (0..<60).map { "job-\($0)" }
            try await Self.schedule(Array(payloads[..<30]), on: first)
            try await Self.schedule(Array(payloads[30...]), on: second)
            try await Self.schedule(payloads, on: first, kind: "test.send")
            try await eventually { try await Self.marks(first).count >= 60 && performed.withLockedValue { $0.count } >= 60 }
            try await Task.sleep(for: .milliseconds(300))
            let marks = try await Self.marks(second)
            XCTAssertEqual(marks.sorted(), payloads.sorted(), "each job's effect committed exactly once")
            XCTAssertEqual(performed.withLockedValue { $0 }, Dictionary(uniqueKeysWithValues: payloads.map { ($0, 1) }))
            for runner in runners {
                runner.cancel()
                _ = await runner.result
            }
            await second.close()
            await first.close()
        }
    }

    func testJobFailedTryIsRetriedAfterItsPauseThenKeptAsFailed() async throws {
        try await TestDatabases.each { desk in
            let tries = NIOLockedValueBox<[ContinuousClock.Instant]>([])
            let failing = JobKind(name: "test.fail", work: .inDatabase { _, _ in
                tries.withLockedValue { $0.append(.now) }
                throw JobFailure(permanent: false, message: "the far side is down")
            }, retryPauses: [.milliseconds(400)])
            let runner = Task { try await JobRunner(desk: desk, kinds: [failing]).run() }
            try await Self.schedule(["x"], on: desk, kind: "test.fail")
            try await eventually { tries.withLockedValue { $0.count } >= 2 }
            try await Task.sleep(for: .milliseconds(600))
            let seen = tries.withLockedValue { $0 }
            XCTAssertEqual(seen.count, 2, "one try, one retry, then it is given up")
            XCTAssertGreaterThanOrEqual(seen[0].duration(to: seen[1]), .milliseconds(350))
            let next = try await desk.database.read { try await $0.nextJobTime(kinds: ["test.fail"]) }
            XCTAssertNil(next, "a job given up waits no more")
            runner.cancel()
            _ = await runner.result
        }
    }

    func testJobWithTheDedupeKeyOfAWaitingJobIsNotAdded() async throws {
        try await TestDatabases.each { desk in
            let now = Timestamp.now()
            let added = try await desk.database.write { session in
                [try await session.enqueue(NewJob(kind: "test.mark", payload: "a", runAt: now, dedupeKey: "ticket-1"), now: now),
                 try await session.enqueue(NewJob(kind: "test.mark", payload: "b", runAt: now, dedupeKey: "ticket-1"), now: now),
                 try await session.enqueue(NewJob(kind: "test.mark", payload: "c", runAt: now, dedupeKey: "ticket-2"), now: now)]
            }
            XCTAssertEqual(added, [true, false, true])
        }
    }
}
