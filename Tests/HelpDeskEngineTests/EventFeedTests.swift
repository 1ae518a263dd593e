import HelpDeskCore
import HelpDeskMail
@testable import HelpDeskEngine
import HelpDeskStore
import HelpDeskTestSupport
import NIOConcurrencyHelpers
import XCTest

/// The event feed: positions in commit order, consumers that keep their place (DESIGN, "the event
/// log is the spine").
final class EventFeedTests: XCTestCase {
    /// What a consumer handled, kept only once its batch committed.
    final class Seen: Sendable {
        private let positions = NIOLockedValueBox<[Int64]>([])

        var all: [Int64] { positions.withLockedValue { $0 } }

        func consumer(named name: String, failing: (@Sendable (FeedEvent) -> Bool)? = nil) -> FeedConsumer {
            FeedConsumer(name: name) { events, session in
                if let failing, events.contains(where: failing) {
                    throw HelpDeskError.conflict("killed mid-batch")
                }
                let handled = events.map(\.position)
                session.afterCommit { self.positions.withLockedValue { $0 += handled } }
            }
        }
    }

    static func newTicket(_ desk: HelpDesk, _ caller: Caller, _ subject: String) async throws -> Record {
        try await desk.records.create(type: "tickets", [RecordInput(properties: [
            "subject": subject, "hs_pipeline": "0", "hs_pipeline_stage": "1",
        ])], by: caller)[0]
    }

    /// Waits until `condition` holds, for at most `seconds`.
    func eventually(_ seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while try await !condition() {
            guard ContinuousClock.now < deadline else { return XCTFail("Condition not met within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func allPositions(_ desk: HelpDesk, after start: Int64) async throws -> [Int64] {
        try await desk.database.read { try await $0.events(after: start, limit: 1_000_000) }.map(\.position)
    }

    func testFeedTwoServersWritingAtOnceEachConsumerSeesEveryEventOnceInTheSameOrder() async throws {
        guard TestDatabases.postgresURL != nil else { throw XCTSkip("Two servers share one database on PostgreSQL only") }
        try await TestDatabases.eachLocation { location in
            guard case .postgres = location else { return }
            let first = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let second = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let people = try await TestPeople.make(on: first)
            let start = try await first.database.read { try await $0.feedHead() }
            let (seenOnFirst, seenOnSecond) = (Seen(), Seen())
            let consumers = [(first, seenOnFirst.consumer(named: "watch-first")), (second, seenOnSecond.consumer(named: "watch-second"))]
            for (desk, consumer) in consumers {
                _ = try await desk.consumeBatch(consumer)
            }
            let running = consumers.map { desk, consumer in Task { await desk.run(consumer) } }

            let agent = people.agent
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, desk) in [first, second, first, second].enumerated() {
                    group.addTask {
                        for number in 0..<25 {
                            let ticket = try await Self.newTicket(desk, agent, "Writer \(index) ticket \(number)")
                            _ = try await desk.records.update(type: "tickets", [(ticket.id, ["hs_pipeline_stage": "2"])], by: agent)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let written = try await allPositions(first, after: start)
            XCTAssertGreaterThanOrEqual(written.count, 200 * 2)
            try await eventually { seenOnFirst.all.count >= written.count && seenOnSecond.all.count >= written.count }
            XCTAssertEqual(seenOnFirst.all, written)
            XCTAssertEqual(seenOnSecond.all, written)
            XCTAssertEqual(Set(written).count, written.count)
            XCTAssertEqual(written, written.sorted())
            for task in running { task.cancel() }
            await second.close()
            await first.close()
        }
    }

    func testFeedConsumerKilledMidwayResumesWithoutLossOrRepeat() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let start = try await desk.database.read { try await $0.feedHead() }
            let seen = Seen()
            let failing = NIOLockedValueBox(true)
            let consumer = seen.consumer(named: "flaky") { event in
                // The batch holding the fifth ticket's creation fails, once.
                event.kind == .created && event.values["subject"] == "Ticket 5" && failing.withLockedValue { $0 }
            }
            _ = try await desk.consumeBatch(consumer)
            let running = Task { await desk.run(consumer) }
            for number in 0..<10 {
                _ = try await Self.newTicket(desk, people.agent, "Ticket \(number)")
            }
            let written = try await allPositions(desk, after: start)
            // Killed: the position stays before the failing batch, whatever was handled of it.
            try await Task.sleep(for: .milliseconds(300))
            running.cancel()
            await running.value
            XCTAssertLessThan(seen.all.count, written.count)
            failing.withLockedValue { $0 = false }
            let resumed = Task { await desk.run(consumer) }
            try await eventually { seen.all.count >= written.count }
            XCTAssertEqual(seen.all, written)
            resumed.cancel()
            await resumed.value
        }
    }

    func testFeedLogsConversationAndConfigurationChanges() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let start = try await desk.database.read { try await $0.feedHead() }
            let channel = try await desk.channels.create(ChannelDraft(kind: .email, address: "help@example.com", pipelineID: "0"),
                                                         by: people.admin)
            let receipt = try await desk.inboundMail.receive(
                SMTPEnvelope(sender: "ann@example.org", recipients: ["help@example.com"], clientName: "mx.example.org", remoteAddress: nil),
                raw: Array("From: Ann <ann@example.org>\r\nTo: help@example.com\r\nSubject: Hello\r\nMessage-ID: <m1@example.org>\r\n\r\nHi\r\n".utf8))
            _ = try await desk.conversations.update(id: receipt.conversationID, .init(status: .closed), by: people.admin)
            let events = try await desk.database.read { try await $0.events(after: start, limit: 1000) }
            XCTAssertTrue(events.contains { $0.kind == .configurationChanged && $0.area == .channels && $0.newValue == channel.id })
            let conversationID = Int64(receipt.conversationID)
            XCTAssertTrue(events.contains { $0.kind == .conversationOpened && $0.conversationID == conversationID })
            XCTAssertTrue(events.contains { $0.kind == .messageReceived && $0.conversationID == conversationID })
            let closed = try XCTUnwrap(events.first { $0.kind == .conversationChanged && $0.property == "status" })
            XCTAssertEqual(closed.conversationID, conversationID)
            XCTAssertEqual(closed.newValue, Conversation.Status.closed.rawValue)
            XCTAssertEqual(closed.actor, people.admin.user.id)
        }
    }

    func testFeedPipelineMadeOnOneServerIsUsableOnAnotherByTheNextRequest() async throws {
        guard TestDatabases.postgresURL != nil else { throw XCTSkip("Two servers share one database on PostgreSQL only") }
        try await TestDatabases.eachLocation { location in
            guard case .postgres = location else { return }
            let first = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let second = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let people = try await TestPeople.make(on: first)
            _ = try await Self.newTicket(second, people.agent, "Warms the second server's copy")
            let pipeline = try await first.pipelines.create(
                type: "tickets", PipelineDraft(label: "Returns", displayOrder: 3, stages: [
                    .init(label: "Received", displayOrder: 0, metadata: ["ticketState": "OPEN"]),
                    .init(label: "Done", displayOrder: 1, metadata: ["ticketState": "CLOSED"]),
                ]), by: people.admin)
            let ticket = try await second.records.create(type: "tickets", [RecordInput(properties: [
                "subject": "Broken on arrival", "hs_pipeline": pipeline.id, "hs_pipeline_stage": pipeline.stages[0].id,
            ])], by: people.agent)[0]
            XCTAssertEqual(ticket.properties["hs_pipeline"], pipeline.id)
            await second.close()
            await first.close()
        }
    }
}
