import HelpDeskCore
import SQLKit

/// Storage of the workspace's sign-in: sessions, one-time links and failed attempts. Tokens are
/// kept only as hashes: whoever reads the database cannot sign in with them.
extension StoreSession {
    package func insertWebSession(hash: String, _ session: WebSession, address: String?, agent: String?) async throws {
        try await sql.raw("""
            INSERT INTO web_sessions (token_hash, user_id, csrf_token, created_at, seen_at, address, agent)
            VALUES (\(bind: hash), \(bind: StoreError.rowID(session.userID, of: "users")), \(bind: session.csrfToken),
                    \(bind: session.createdAt.millisecondsSince1970), \(bind: session.seenAt.millisecondsSince1970),
                    \(bind: address.map { String($0.prefix(100)) }), \(bind: agent.map { String($0.prefix(300)) }))
            """).run()
    }

    package func webSession(hash: String) async throws -> WebSession? {
        try await sql.raw("SELECT * FROM web_sessions WHERE token_hash = \(bind: hash)").first().map { row in
            WebSession(userID: String(try row.decode(column: "user_id", as: Int64.self)),
                       csrfToken: try row.decode(column: "csrf_token", as: String.self),
                       createdAt: Timestamp(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
                       seenAt: Timestamp(millisecondsSince1970: try row.decode(column: "seen_at", as: Int64.self)))
        }
    }

    package func touchWebSession(hash: String, at time: Timestamp) async throws {
        try await sql.raw("UPDATE web_sessions SET seen_at = \(bind: time.millisecondsSince1970) WHERE token_hash = \(bind: hash)").run()
    }

    package func deleteWebSession(hash: String) async throws {
        try await sql.raw("DELETE FROM web_sessions WHERE token_hash = \(bind: hash)").run()
    }

    /// Ends every session of a user; returns how many there were.
    @discardableResult
    package func deleteWebSessions(userID: Int64) async throws -> Int {
        try await sql.raw("DELETE FROM web_sessions WHERE user_id = \(bind: userID) RETURNING token_hash").all().count
    }

    package func signInFailures(key: String) async throws -> SignInThrottle.Failures? {
        try await sql.raw("SELECT failures, last_failure_at FROM sign_in_failures WHERE key = \(bind: key)").first().map { row in
            SignInThrottle.Failures(count: Int(try row.decode(column: "failures", as: Int64.self)),
                                    last: Timestamp(millisecondsSince1970: try row.decode(column: "last_failure_at", as: Int64.self)))
        }
    }

    package func saveSignInFailures(key: String, _ failures: SignInThrottle.Failures) async throws {
        try await sql.raw("""
            INSERT INTO sign_in_failures (key, failures, last_failure_at)
            VALUES (\(bind: key), \(bind: Int64(failures.count)), \(bind: failures.last.millisecondsSince1970))
            ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at
            """).run()
    }

    package func clearSignInFailures(key: String) async throws {
        try await sql.raw("DELETE FROM sign_in_failures WHERE key = \(bind: key)").run()
    }

    package func insertLink(hash: String, _ link: OneTimeLink, at time: Timestamp) async throws {
        try await sql.raw("""
            INSERT INTO one_time_links (token_hash, purpose, user_id, created_at, expires_at)
            VALUES (\(bind: hash), \(bind: link.purpose.rawValue), \(bind: link.userID.flatMap { Int64($0) }),
                    \(bind: time.millisecondsSince1970), \(bind: link.expiresAt.millisecondsSince1970))
            """).run()
    }

    /// The link with this hash while it is unused and unexpired.
    package func link(hash: String, at time: Timestamp) async throws -> OneTimeLink? {
        try await sql.raw("""
            SELECT * FROM one_time_links
            WHERE token_hash = \(bind: hash) AND used_at IS NULL AND expires_at > \(bind: time.millisecondsSince1970)
            """).first().flatMap { row in
            guard let purpose = OneTimeLink.Purpose(rawValue: try row.decode(column: "purpose", as: String.self)) else {
                throw StoreError.corruptRow(table: "one_time_links", detail: "unknown purpose")
            }
            return OneTimeLink(purpose: purpose, userID: try row.decode(column: "user_id", as: Int64?.self).map(String.init),
                               expiresAt: Timestamp(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)))
        }
    }

    /// Marks a link used; `false` when it was used (or expired) already, by a request that won.
    package func useLink(hash: String, at time: Timestamp) async throws -> Bool {
        try await sql.raw("""
            UPDATE one_time_links SET used_at = \(bind: time.millisecondsSince1970)
            WHERE token_hash = \(bind: hash) AND used_at IS NULL AND expires_at > \(bind: time.millisecondsSince1970)
            RETURNING token_hash
            """).first() != nil
    }

    /// Forgets the unused links of one purpose (a newer one replaces them).
    package func deleteLinks(purpose: OneTimeLink.Purpose, userID: Int64?) async throws {
        if let userID {
            try await sql.raw("""
                DELETE FROM one_time_links WHERE purpose = \(bind: purpose.rawValue) AND user_id = \(bind: userID) AND used_at IS NULL
                """).run()
        } else {
            try await sql.raw("DELETE FROM one_time_links WHERE purpose = \(bind: purpose.rawValue) AND used_at IS NULL").run()
        }
    }

    /// A user and their password's hash, by email.
    package func credentials(email: String) async throws -> (user: User, passwordHash: String?)? {
        guard let row = try await sql.raw("SELECT id, password_hash FROM users WHERE email = \(bind: email.lowercased())").first(),
              let user = try await user(id: try row.decode(column: "id", as: Int64.self)) else { return nil }
        return (user, try row.decode(column: "password_hash", as: String?.self))
    }

    package func setPassword(userID: Int64, hash: String, at time: Timestamp) async throws {
        try await sql.raw("""
            UPDATE users SET password_hash = \(bind: hash), updated_at = \(bind: time.millisecondsSince1970) WHERE id = \(bind: userID)
            """).run()
    }

    /// Whether some active user can sign in to the workspace (has a password).
    package func anyoneCanSignIn() async throws -> Bool {
        try await sql.raw("SELECT 1 AS one FROM users WHERE password_hash IS NOT NULL AND archived = 0 LIMIT 1").first() != nil
    }
}
