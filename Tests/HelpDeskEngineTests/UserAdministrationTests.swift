import HelpDeskCore
import HelpDeskEngine
import HelpDeskStore
import HelpDeskTestSupport
import XCTest

/// Admins managing users and teams, on each database.
final class UserAdministrationTests: XCTestCase {
    let origin = Accounts.Origin(address: "192.0.2.7", agent: "test")

    func testAnInvitedUserChoosesAPasswordWithTheLinkOnceAndSignsIn() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let team = try await desk.people.createTeam(name: "Billing", memberEmails: [])
            let (user, link) = try await desk.people.invite(
                Invitation(email: "Zoe@Example.com", firstName: "Zoe", primaryTeamID: team.id, ticketScope: .team, sendWelcomeEmail: false),
                linksAt: "https://help.example.com/", by: people.admin)
            XCTAssertEqual(user.email, "zoe@example.com")
            XCTAssertEqual(user.primaryTeamID, team.id)
            let url = try XCTUnwrap(link)
            XCTAssertTrue(url.hasPrefix("https://help.example.com/invitation/"), url)
            let token = String(url.split(separator: "/").last!)
            let signedIn = try await desk.accounts.choosePassword(link: token, password: "zoes-password", from: self.origin)
            XCTAssertEqual(signedIn.user.id, user.id)
            do {
                _ = try await desk.accounts.choosePassword(link: token, password: "other-password", from: self.origin)
                XCTFail("an invitation link works once")
            } catch HelpDeskError.notFound {}
            let again = try await desk.accounts.signIn(email: "zoe@example.com", password: "zoes-password", from: self.origin)
            XCTAssertEqual(again.user.primaryTeamID, team.id)
        }
    }

    func testAnInvitationIsMailedFromATeamAddressOrRefusedWithoutOne() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            do {
                _ = try await desk.people.invite(Invitation(email: "zoe@example.com"), linksAt: "http://localhost", by: people.admin)
                XCTFail("without a team address, an invitation cannot be mailed")
            } catch HelpDeskError.conflict {}
            let nobody = try await desk.people.user(email: "zoe@example.com")
            XCTAssertNil(nobody, "a refused invitation adds nobody")
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let (_, link) = try await desk.people.invite(Invitation(email: "zoe@example.com"), linksAt: "http://localhost", by: people.admin)
            XCTAssertNil(link, "a mailed link is not shown to the admin")
            let queue = try await desk.database.read { try await $0.jobQueue(now: Timestamp.now()) }
            XCTAssertEqual(queue.first { $0.kind == "mail.deliver" }?.waiting, 1, "the invitation waits in the outbox")
        }
    }

    func testW6OnlyAccountAccessManagesUsersAndOnlyASuperAdminMakesSuperAdmins() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let manager = Caller(user: try await desk.people.createUser(UserDraft(email: "manager@example.com", roles: [.accountAccess])),
                                 source: "TEST")
            do {
                _ = try await desk.people.list(by: people.agent)
                XCTFail("an agent without account access does not manage users")
            } catch HelpDeskError.forbidden {}
            do {
                _ = try await desk.people.invite(Invitation(email: "boss@example.com", roles: [.superAdmin], sendWelcomeEmail: false),
                                                 linksAt: "http://localhost", by: manager)
                XCTFail("account access does not grant super admin")
            } catch HelpDeskError.forbidden {}
            let (agent, _) = try await desk.people.invite(Invitation(email: "new@example.com", sendWelcomeEmail: false),
                                                          linksAt: "http://localhost", by: manager)
            let changed = try await desk.people.change(id: agent.id, UserChange(roles: [.helpDeskAccess, .workflowPermission],
                                                                                 ticketScope: .own), by: manager)
            XCTAssertEqual(changed.roles, [.helpDeskAccess, .workflowPermission])
            XCTAssertEqual(changed.ticketScope, .own)
            do {
                _ = try await desk.people.change(id: people.admin.user.id, UserChange(firstName: "Mallory"), by: manager)
                XCTFail("only a super admin changes a super admin")
            } catch HelpDeskError.forbidden {}
        }
    }

    func testADeactivatedUserCannotSignInTheirTokensAndSessionsEndAndTheirHistoryStays() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let (bob, link) = try await desk.people.invite(Invitation(email: "bob@example.com", sendWelcomeEmail: false),
                                                           linksAt: "http://localhost", by: people.admin)
            let signedIn = try await desk.accounts.choosePassword(link: String(link!.split(separator: "/").last!), password: "bobs-password",
                                                                  from: self.origin)
            let token = try await desk.people.issueToken(for: bob, label: "script")
            let ticket = try await desk.records.create(type: "tickets", [
                RecordInput(properties: ["subject": "Bob's", "hs_pipeline": "0", "hs_pipeline_stage": "1", "hubspot_owner_id": bob.id]),
            ], by: people.admin)
            try await desk.people.deactivate(id: bob.id, by: people.admin)
            let session = try await desk.accounts.session(token: signedIn.token)
            XCTAssertNil(session, "their sessions end")
            do {
                _ = try await desk.people.authenticate(token: token)
                XCTFail("their API tokens are revoked")
            } catch HelpDeskError.unauthenticated {}
            do {
                _ = try await desk.accounts.signIn(email: "bob@example.com", password: "bobs-password", from: self.origin)
                XCTFail("they cannot sign in")
            } catch HelpDeskError.unauthenticated {}
            let kept = try await desk.records.read(type: "tickets", ids: [ticket[0].id], options: ReadOptions(properties: ["hubspot_owner_id"]),
                                                   by: people.admin)
            XCTAssertEqual(kept.first?.record.properties["hubspot_owner_id"], bob.id, "what they owned stays theirs")
            do {
                try await desk.people.deactivate(id: people.admin.user.id, by: people.admin)
                XCTFail("nobody deactivates themselves")
            } catch HelpDeskError.badRequest {}
        }
    }

    func testR2AdminsSetTheAddressATeamWritesFromByDefault() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            let team = try await desk.people.createTeam(name: "Billing", memberEmails: ["agent@example.com"])
            let billing = try await desk.channels.create(ChannelDraft(kind: .email, address: "billing@example.com"), by: people.admin)
            let form = try await desk.channels.create(ChannelDraft(kind: .form, address: "contact-form"), by: people.admin)
            do {
                _ = try await desk.people.setDefaultFrom(teamID: team.id, channelID: billing.id, by: people.agent)
                XCTFail("an agent does not choose a team's address")
            } catch HelpDeskError.forbidden {}
            do {
                _ = try await desk.people.setDefaultFrom(teamID: team.id, channelID: form.id, by: people.admin)
                XCTFail("only a team email address is written from")
            } catch HelpDeskError.badRequest {}
            let set = try await desk.people.setDefaultFrom(teamID: team.id, channelID: billing.id, by: people.admin)
            XCTAssertEqual(set.defaultChannelID, billing.id)
            let stored = try await desk.people.teams().first { $0.id == team.id }
            XCTAssertEqual(stored?.defaultChannelID, billing.id)
            let cleared = try await desk.people.setDefaultFrom(teamID: team.id, channelID: nil, by: people.admin)
            XCTAssertNil(cleared.defaultChannelID)
            do {
                _ = try await desk.people.setDefaultFrom(teamID: "424242", channelID: nil, by: people.admin)
                XCTFail("no such team")
            } catch HelpDeskError.notFound {}
        }
    }
}
