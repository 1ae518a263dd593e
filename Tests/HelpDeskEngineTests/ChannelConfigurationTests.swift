import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import XCTest

/// C1: who configures channels, and the names they give them, on each database.
final class ChannelConfigurationTests: XCTestCase {
    func testC1AnAdminWithoutHelpDeskAccessConfiguresChannelsAndAnAgentDoesNot() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let ines = Caller(user: try await desk.people.createUser(UserDraft(email: "ines@example.com", roles: [.accountAccess])),
                              source: "TEST")
            let support = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com", name: "  Support  "),
                                                         by: ines)
            XCTAssertEqual(support.name, "Support", "a name is kept trimmed")
            let unnamed = try await desk.channels.create(ChannelDraft(kind: .email, address: "sales@example.com", name: " "), by: ines)
            XCTAssertEqual(unnamed.name, "sales@example.com", "a blank name is the address")
            let listed = try await desk.channels.list(by: ines)
            XCTAssertEqual(listed.map(\.address).sorted(), ["sales@example.com", "support@example.com"],
                           "who configures channels reads them without working conversations")
            let renamed = try await desk.channels.update(id: support.id, name: "Customer support", createsTickets: false, by: ines)
            XCTAssertEqual(renamed.name, "Customer support")
            XCTAssertFalse(renamed.createsTickets)
            do {
                _ = try await desk.channels.update(id: support.id, name: "   ", by: ines)
                XCTFail("a channel keeps a name")
            } catch HelpDeskError.badRequest {}
            do {
                _ = try await desk.channels.update(id: support.id, name: "Mine now", by: people.agent)
                XCTFail("an agent reads channels but does not change them")
            } catch HelpDeskError.forbidden {}
            let read = try await desk.channels.list(by: people.agent)
            XCTAssertEqual(read.count, 2, "agents read the channels they answer on")
            try await desk.channels.archive(id: unnamed.id, by: ines)
            let left = try await desk.channels.emailAddresses()
            XCTAssertEqual(left.map(\.name), ["Customer support"])
        }
    }
}
