import HelpDeskCore
import HelpDeskEngine
import HelpDeskTestSupport
import NIOConcurrencyHelpers
import XCTest

/// Signing in to the workspace, on each database.
final class AccountsTests: XCTestCase {
    let origin = Accounts.Origin(address: "192.0.2.7", agent: "test")

    func testTheSetUpLinkCreatesTheFirstAdminOnceAndOnlyOnAFreshInstall() async throws {
        try await TestDatabases.each { desk in
            let made = try await desk.accounts.setupLink()
            let link = try XCTUnwrap(made, "a fresh install makes a set-up link")
            let admin = try await desk.accounts.createFirstAdmin(link: link, email: "Ada@Example.com", firstName: "Ada", lastName: "Admin",
                                                                 password: "correct-horse", from: self.origin)
            XCTAssertTrue(admin.user.roles.contains(.superAdmin))
            XCTAssertEqual(admin.user.email, "ada@example.com")
            let session = try await desk.accounts.session(token: admin.token)
            XCTAssertEqual(session?.user.id, admin.user.id, "the admin is signed in")
            do {
                _ = try await desk.accounts.createFirstAdmin(link: link, email: "eve@example.com", firstName: "", lastName: "",
                                                             password: "correct-horse", from: self.origin)
                XCTFail("a used link must not work again")
            } catch HelpDeskError.notFound {}
            let again = try await desk.accounts.setupLink()
            XCTAssertNil(again, "once someone can sign in, no new link is made")
        }
    }

    func testSignInChecksThePasswordAndSessionsEndOnSignOut() async throws {
        try await TestDatabases.each { desk in
            _ = try await desk.people.createUser(UserDraft(email: "bob@example.com", firstName: "Bob", password: "bobs-password"))
            do {
                _ = try await desk.accounts.signIn(email: "bob@example.com", password: "not-his", from: self.origin)
                XCTFail("a wrong password must be refused")
            } catch HelpDeskError.unauthenticated {}
            do {
                _ = try await desk.accounts.signIn(email: "nobody@example.com", password: "bobs-password", from: self.origin)
                XCTFail("an unknown email must be refused")
            } catch HelpDeskError.unauthenticated {}
            let phone = try await desk.accounts.signIn(email: "BOB@example.com", password: "bobs-password", from: self.origin)
            let laptop = try await desk.accounts.signIn(email: "bob@example.com", password: "bobs-password", from: self.origin)
            XCTAssertNotEqual(phone.token, laptop.token, "each sign-in gets a session of its own")
            try await desk.accounts.signOut(token: phone.token)
            let signedOutPhone = try await desk.accounts.session(token: phone.token)
            let stillLaptop = try await desk.accounts.session(token: laptop.token)
            XCTAssertNil(signedOutPhone)
            XCTAssertNotNil(stillLaptop, "signing out ends only this session")
            try await desk.accounts.signOutEverywhere(laptop.user)
            let afterEverywhere = try await desk.accounts.session(token: laptop.token)
            XCTAssertNil(afterEverywhere, "signing out everywhere ends every session")
        }
    }

    func testRepeatedFailuresMakeTheNextAttemptWaitEvenWithTheRightPassword() async throws {
        let now = NIOLockedValueBox(Timestamp(millisecondsSince1970: 1_800_000_000_000))
        try await TestDatabases.each(clock: { now.withLockedValue { $0 } }) { desk in
            _ = try await desk.people.createUser(UserDraft(email: "bob@example.com", firstName: "Bob", password: "bobs-password"))
            for _ in 0..<SignInThrottle.freeAttempts {
                do {
                    _ = try await desk.accounts.signIn(email: "bob@example.com", password: "guess", from: self.origin)
                } catch HelpDeskError.unauthenticated {}
            }
            do {
                _ = try await desk.accounts.signIn(email: "bob@example.com", password: "bobs-password", from: self.origin)
                XCTFail("the account must wait after repeated failures")
            } catch HelpDeskError.tooManyAttempts(_, let seconds) {
                XCTAssertEqual(seconds, 1)
            }
            now.withLockedValue { $0 = $0.adding(milliseconds: 1_500) }
            let signedIn = try await desk.accounts.signIn(email: "bob@example.com", password: "bobs-password", from: self.origin)
            XCTAssertEqual(signedIn.user.email, "bob@example.com", "after the pause the right password works")
        }
    }

    func testADeactivatedUsersSessionsNoLongerWork() async throws {
        try await TestDatabases.each { desk in
            var bob = try await desk.people.createUser(UserDraft(email: "bob@example.com", firstName: "Bob", password: "bobs-password"))
            let signedIn = try await desk.accounts.signIn(email: "bob@example.com", password: "bobs-password", from: self.origin)
            bob.archived = true
            _ = try await desk.people.updateUser(bob)
            let session = try await desk.accounts.session(token: signedIn.token)
            XCTAssertNil(session)
            do {
                _ = try await desk.accounts.signIn(email: "bob@example.com", password: "bobs-password", from: self.origin)
                XCTFail("a deactivated user cannot sign in")
            } catch HelpDeskError.unauthenticated {}
        }
    }
}
