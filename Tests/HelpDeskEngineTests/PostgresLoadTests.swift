import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
@testable import HelpDeskStore
import HelpDeskTestSupport
import NIOConcurrencyHelpers
import XCTest

/// PostgreSQL right after a bulk load: searches keep good plans before autovacuum has run, and
/// mail keeps flowing while clients search.
final class PostgresLoadTests: XCTestCase {
    func testAFilteredSearchRightAfter20000BatchCreatedTicketsIsFastAndMailFlowsWhileEightClientsSearch() async throws {
        guard TestDatabases.postgresURL != nil else { throw XCTSkip("Needs HELPDESK_TEST_POSTGRES_URL") }
        try await TestDatabases.eachLocation { location in
            guard case .postgres = location else { return }
            let desk = try await HelpDesk.open(location, logger: TestDatabases.logger)
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let priorities = ["LOW", "MEDIUM", "HIGH"]
            for batch in 0..<200 {
                let inputs = (0..<100).map { index in
                    RecordInput(properties: ["subject": "Ticket \(batch)-\(index)", "hs_pipeline": "0", "hs_pipeline_stage": "1",
                                             "hs_ticket_priority": priorities[(batch * 100 + index) % 3]])
                }
                _ = try await desk.records.create(type: "tickets", inputs, by: people.admin)
                if batch == 0 {
                    // Autovacuum happens to analyse the tables while they are still small.
                    try await desk.database.write { try await $0.sql.raw("ANALYZE").run() }
                }
            }
            let high = SearchRequest(filterGroups: [[.init(propertyName: "hs_ticket_priority", operator: .eq, value: "HIGH")]])
            let started = ContinuousClock.now
            let found = try await desk.records.search(type: "tickets", high, by: people.admin)
            let took = started.duration(to: .now)
            XCTAssertEqual(found.total, 6_666)
            print("First filtered search after the load: \(took)")
            XCTAssertLessThan(took, .milliseconds(1000), "the first filtered search after the load took \(took)")

            let searching = NIOLockedValueBox(true)
            let searches = NIOLockedValueBox(0)
            let admin = people.admin
            let clients = (0..<8).map { client in
                Task {
                    while searching.withLockedValue({ $0 }) {
                        let request = SearchRequest(filterGroups: [[.init(propertyName: "hs_ticket_priority", operator: .eq,
                                                                          value: priorities[client % 3])]],
                                                    query: client.isMultiple(of: 2) ? "Ticket" : nil)
                        _ = try await desk.records.search(type: "tickets", request, by: admin)
                        searches.withLockedValue { $0 += 1 }
                    }
                }
            }
            var slowest: Duration = .zero
            for number in 0..<20 {
                let raw = Array(["From: Ann <ann\(number)@example.org>", "To: support@example.com", "Subject: Help \(number)",
                                 "Message-ID: <load\(number)@example.org>", "", "Hello", ""].joined(separator: "\r\n").utf8)
                let sent = ContinuousClock.now
                _ = try await desk.inboundMail.receive(
                    SMTPEnvelope(sender: "ann\(number)@example.org", recipients: ["support@example.com"], clientName: "mx", remoteAddress: nil),
                    raw: raw)
                slowest = max(slowest, sent.duration(to: .now))
            }
            searching.withLockedValue { $0 = false }
            for client in clients { _ = try await client.value }
            XCTAssertGreaterThan(searches.withLockedValue { $0 }, 8, "the clients searched while mail arrived")
            XCTAssertLessThan(slowest, .seconds(2), "a message waited \(slowest) behind the searches")
            await desk.close()
        }
    }
}
