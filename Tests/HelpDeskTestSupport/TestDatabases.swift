import Foundation
import HelpDeskCore
import HelpDeskEngine
import HelpDeskStore
import Logging
import NIOPosix
import PostgresKit

/// Runs a test body against a fresh SQLite database always, and against a fresh PostgreSQL
/// database too when `HELPDESK_TEST_POSTGRES_URL` names a server.
public enum TestDatabases {
    public static let logger: Logger = {
        var logger = Logger(label: "helpdesk-test")
        logger.logLevel = .warning
        return logger
    }()

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["HELPDESK_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Fresh, empty locations, one per configured dialect; `body` may open several servers on each.
    public static func eachLocation(_ body: (Storage) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("helpdesk-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(.sqlite(path: directory.appendingPathComponent("helpdesk.sqlite").path))
        if let postgresURL {
            let name = "helpdesk_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await administer(postgresURL, "CREATE DATABASE \(name)")
            do {
                try await body(.postgres(url: replacingDatabase(in: postgresURL, with: name)))
            } catch {
                try? await administer(postgresURL, "DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
            try await administer(postgresURL, "DROP DATABASE \(name) WITH (FORCE)")
        }
    }

    /// Opens a help desk on each fresh database and closes it after `body`.
    public static func each(clock: @escaping @Sendable () -> Timestamp = Timestamp.now,
                     _ body: (HelpDesk) async throws -> Void) async throws {
        try await eachLocation { location in
            let desk = try await HelpDesk.open(location, logger: logger, clock: clock)
            do {
                try await body(desk)
            } catch {
                await desk.close()
                throw error
            }
            await desk.close()
        }
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }

    static func administer(_ url: String, _ statement: String) async throws {
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: try SQLPostgresConfiguration(url: url)),
            maxConnectionsPerEventLoop: 1, logger: logger, on: MultiThreadedEventLoopGroup.singleton)
        do {
            try await pool.database(logger: logger).sql().raw(SQLQueryString(statement)).run()
        } catch {
            try? await pool.shutdownAsync()
            throw error
        }
        try await pool.shutdownAsync()
    }
}

/// A super admin and a help-desk agent to act as in tests.
public struct TestPeople {
    public let admin: Caller
    public let agent: Caller

    public static func make(on desk: HelpDesk, agentScope: TicketScope = .all) async throws -> TestPeople {
        let admin = try await desk.people.createUser(UserDraft(email: "admin@example.com", roles: [.superAdmin]))
        let agent = try await desk.people.createUser(UserDraft(email: "agent@example.com", roles: [.helpDeskAccess],
                                                               serviceSeat: true, ticketScope: agentScope))
        return TestPeople(admin: Caller(user: admin, source: "TEST"), agent: Caller(user: agent, source: "TEST"))
    }
}
