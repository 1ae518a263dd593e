import Crypto
import Foundation
import HelpDeskCore
import HelpDeskStore
import HummingbirdBcrypt
import NIOPosix

/// Signing in to the workspace: email and password, sessions stored so that any server accepts
/// them, growing pauses after failed attempts (per account and per address), signing out here or
/// everywhere, and the one-time link that lets the first admin create their account on a fresh
/// install.
public struct Accounts: Sendable {
    let desk: HelpDesk

    /// A browser that just signed in: the token for its cookie, and the user.
    public struct SignedIn: Sendable {
        public var token: String
        public var user: User
        public var csrfToken: String
    }

    /// Where an attempt comes from, for the throttle and the session list.
    public struct Origin: Sendable {
        public var address: String
        public var agent: String?

        public init(address: String, agent: String?) {
            self.address = address
            self.agent = agent
        }
    }

    /// Checks an email and a password and opens a session. Refused alike for an unknown email, a
    /// wrong password and a user without a password, so that nobody learns which addresses exist.
    public func signIn(email: String, password: String, from origin: Origin) async throws -> SignedIn {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard !email.isEmpty, !password.isEmpty, email.count <= 254, password.utf8.count <= 1_024 else {
            throw HelpDeskError.badRequest("Give your email and your password.")
        }
        let now = desk.clock()
        let keys = ["account:\(email)", "address:\(origin.address)"]
        // The attempt is counted as failed before the password is checked, in one write that
        // takes turns per key: attempts sent at once cannot all slip in before the pause.
        let (found, addressBefore) = try await desk.database.write { session in
            for key in keys { try await session.lock("sign-in:\(key)") }
            let before = try await keys.asyncMap { try await session.signInFailures(key: $0) }
            let waits = before.compactMap { SignInThrottle.nextAttempt(after: $0, now: now) }
            if let until = waits.max(by: { $0.millisecondsSince1970 < $1.millisecondsSince1970 }) {
                let seconds = Int((until.millisecondsSince1970 - now.millisecondsSince1970 + 999) / 1_000)
                throw HelpDeskError.tooManyAttempts(
                    "Too many failed attempts to sign in; try again in \(seconds) second\(seconds == 1 ? "" : "s").", retryAfterSeconds: seconds)
            }
            for (key, failures) in zip(keys, before) {
                try await session.saveSignInFailures(key: key, SignInThrottle.failed(failures, at: now))
            }
            return (try await session.credentials(email: email), before[1])
        }
        // A hash is checked even for an unknown email, so that the answer takes as long.
        let matches = try await Self.verify(password, hash: found?.passwordHash ?? Self.decoyHash)
        guard let user = found?.user, found?.passwordHash != nil, matches, !user.archived else {
            throw HelpDeskError.unauthenticated("The email or the password is not right.")
        }
        return try await openSession(for: user, from: origin, clearing: keys[0], restoring: (keys[1], addressBefore))
    }

    /// Bcrypt takes tens of milliseconds of one core: it runs on the blocking-work pool, whose
    /// few threads also bound how many run at once, never on the threads that serve requests.
    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    static func hashed(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: 10) }
    }

    /// The session of a cookie's token, while it is valid; its user must still be active.
    public func session(token: String) async throws -> (user: User, csrfToken: String)? {
        guard Self.isWellFormed(token) else { return nil }
        let hash = Self.hash(token), now = desk.clock()
        let found = try await desk.database.read { session -> (WebSession, User?)? in
            guard let web = try await session.webSession(hash: hash) else { return nil }
            return (web, try await session.user(id: try StoreError.rowID(web.userID, of: "users")))
        }
        guard let (web, user) = found, let user, !user.archived, web.isValid(at: now) else { return nil }
        if web.needsTouch(at: now) {
            try await desk.database.write { try await $0.touchWebSession(hash: hash, at: now) }
        }
        return (user, web.csrfToken)
    }

    public func signOut(token: String) async throws {
        guard Self.isWellFormed(token) else { return }
        let hash = Self.hash(token)
        try await desk.database.write { try await $0.deleteWebSession(hash: hash) }
    }

    /// Ends every session of the user, on every device.
    public func signOutEverywhere(_ user: User) async throws {
        let id = try StoreError.rowID(user.id, of: "users")
        _ = try await desk.database.write { try await $0.deleteWebSessions(userID: id) }
    }

    /// Whether someone can sign in to the workspace.
    public func isSetUp() async throws -> Bool {
        try await desk.database.read { try await $0.anyoneCanSignIn() }
    }

    /// On an install where nobody can sign in yet, a new link for the first admin to create their
    /// account (earlier ones stop working); `nil` once someone can.
    public func setupLink() async throws -> String? {
        let token = Self.newToken(), now = desk.clock()
        let link = OneTimeLink(purpose: .setup, userID: nil, expiresAt: now.adding(milliseconds: OneTimeLink.Purpose.setup.validity))
        return try await desk.database.write { session in
            guard try await !session.anyoneCanSignIn() else { return nil }
            try await session.deleteLinks(purpose: .setup, userID: nil)
            try await session.insertLink(hash: Self.hash(token), link, at: now)
            return token
        }
    }

    /// What a one-time link is for, while it can be used.
    public func link(token: String) async throws -> OneTimeLink? {
        guard Self.isWellFormed(token) else { return nil }
        let hash = Self.hash(token), now = desk.clock()
        return try await desk.database.read { try await $0.link(hash: hash, at: now) }
    }

    /// The first admin creates their account with the setup link, and is signed in.
    public func createFirstAdmin(link token: String, email: String, firstName: String, lastName: String, password: String,
                                 from origin: Origin) async throws -> SignedIn {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        try PeopleService.checkEmail(email)
        try Self.checkPassword(password)
        let first = firstName.trimmingCharacters(in: .whitespaces), last = lastName.trimmingCharacters(in: .whitespaces)
        guard first.count <= 100, last.count <= 100 else { throw HelpDeskError.badRequest("A name holds at most 100 characters.") }
        // The link is checked before the password is hashed: a guessed link costs no hashing.
        guard try await link(token: token)?.purpose == .setup else {
            throw HelpDeskError.notFound("This link was used already or has expired; `helpdesk serve` prints a new one at its start.")
        }
        let hash = try await Self.hashed(password), now = desk.clock(), linkHash = Self.hash(token)
        let user = try await desk.configure(.users, by: Caller.system(source: "WORKSPACE"), item: \.id) { session -> User in
            guard Self.isWellFormed(token), try await session.link(hash: linkHash, at: now)?.purpose == .setup,
                  try await session.useLink(hash: linkHash, at: now) else {
                throw HelpDeskError.notFound("This link was used already or has expired; `helpdesk serve` prints a new one at its start.")
            }
            if let existing = try await session.user(email: email) {
                // The command line may have made this user already (for an API token): it becomes the admin.
                var admin = existing
                admin.roles.insert(.superAdmin)
                admin.firstName = first.isEmpty ? existing.firstName : first
                admin.lastName = last.isEmpty ? existing.lastName : last
                admin.updatedAt = now
                try await session.updateUser(admin)
                try await session.setPassword(userID: try StoreError.rowID(admin.id, of: "users"), hash: hash, at: now)
                return admin
            }
            var admin = User(id: "", email: email, firstName: first, lastName: last, roles: [.superAdmin], serviceSeat: true,
                             createdAt: now, updatedAt: now)
            admin.id = String(try await session.insertUser(admin, passwordHash: hash))
            return admin
        }
        return try await openSession(for: user, from: origin, clearing: "account:\(email)")
    }

    /// An invited user chooses their password with the link mailed to them, and is signed in.
    /// A password-reset link works the same way, and ends the user's other sessions.
    public func choosePassword(link token: String, password: String, from origin: Origin) async throws -> SignedIn {
        try Self.checkPassword(password)
        guard let purpose = try await link(token: token)?.purpose, purpose == .invitation || purpose == .passwordReset else {
            throw HelpDeskError.notFound("This link was used already or has expired; ask for a new one.")
        }
        let hash = try await Self.hashed(password), now = desk.clock(), linkHash = Self.hash(token)
        let user = try await desk.configure(.users, by: Caller.system(source: "WORKSPACE"), item: \.id) { session -> User in
            guard Self.isWellFormed(token), let link = try await session.link(hash: linkHash, at: now),
                  link.purpose == .invitation || link.purpose == .passwordReset,
                  let id = link.userID.flatMap({ Int64($0) }), let user = try await session.user(id: id), !user.archived,
                  try await session.useLink(hash: linkHash, at: now) else {
                throw HelpDeskError.notFound("This link was used already or has expired; ask for a new one.")
            }
            try await session.setPassword(userID: id, hash: hash, at: now)
            if link.purpose == .passwordReset { try await session.deleteWebSessions(userID: id) }
            return user
        }
        return try await openSession(for: user, from: origin, clearing: "account:\(user.email)")
    }

    /// Mails a link to choose a new password, if an active user has this email; says nothing
    /// either way, so that nobody learns which addresses have accounts. `linksAt` is the
    /// workspace's address.
    public func requestPasswordReset(email: String, linksAt base: String) async throws {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard !email.isEmpty, email.count <= 254 else { throw HelpDeskError.badRequest("Give the email you sign in with.") }
        let token = Self.newToken(), now = desk.clock()
        let link = "\(base.trimmingCharacters(in: CharacterSet(charactersIn: "/")))/password/\(token)"
        try await desk.database.write { session in
            // Said before anything about the address, so that it tells nothing of it.
            guard try await session.channels(kind: .email).contains(where: { !$0.archived }) else {
                throw HelpDeskError.conflict("This help desk cannot mail yet (no team address is connected); ask an admin to set your password.")
            }
            guard let user = try await session.user(email: email), !user.archived, let id = Int64(user.id) else { return }
            // One link at a time: a newer request replaces the one before.
            try await session.deleteLinks(purpose: .passwordReset, userID: id)
            let expires = now.adding(milliseconds: OneTimeLink.Purpose.passwordReset.validity)
            try await session.insertLink(hash: Self.hash(token), OneTimeLink(purpose: .passwordReset, userID: user.id, expiresAt: expires), at: now)
            try await PeopleService.mail(to: user, subject: "Choose a new password", text: """
                Hello\(user.firstName.isEmpty ? "" : " \(user.firstName)"),

                Someone asked to choose a new password for your help desk account. If it was you, open:

                \(link)

                The link works once, for an hour. If it was not you, ignore this mail: your password stays as it is.
                """, now: now, session: session)
        }
    }

    /// Opens a session after a success: the account's failures are forgotten, and the address's
    /// count goes back to what it was before this attempt (`restoring`).
    private func openSession(for user: User, from origin: Origin, clearing key: String,
                             restoring address: (key: String, failures: SignInThrottle.Failures?)? = nil) async throws -> SignedIn {
        let token = Self.newToken(), csrf = Self.newToken(), now = desk.clock()
        let web = WebSession(userID: user.id, csrfToken: csrf, createdAt: now, seenAt: now)
        try await desk.database.write { session in
            try await session.clearSignInFailures(key: key)
            if let address {
                if let failures = address.failures {
                    try await session.saveSignInFailures(key: address.key, failures)
                } else {
                    try await session.clearSignInFailures(key: address.key)
                }
            }
            try await session.insertWebSession(hash: Self.hash(token), web, address: origin.address, agent: origin.agent)
        }
        return SignedIn(token: token, user: user, csrfToken: csrf)
    }

    static func checkPassword(_ password: String) throws {
        guard password.count >= 8 else { throw HelpDeskError.badRequest("A password needs at least 8 characters.") }
        guard password.utf8.count <= 72 else {
            // Bcrypt reads 72 bytes; a longer password would be accepted by its first 72 alone.
            throw HelpDeskError.badRequest("A password holds at most 72 bytes.")
        }
    }

    /// 256 random bits, in URL-safe base64 without padding.
    static func newToken() -> String {
        Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95
        }
    }

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }

    /// A hash of no one's password, checked when the email is unknown.
    static let decoyHash = Bcrypt.hash(newToken(), cost: 10)
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        results.reserveCapacity(count)
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
