import ArgumentParser
import Foundation
import HelpDeskEngine
import Logging

/// Where the help desk keeps its data; shared by every command.
struct StorageOptions: ParsableArguments {
    @Option(help: "Directory for the embedded database and files.")
    var dataDir: String = "./helpdesk-data"

    @Option(help: "A postgres:// URL to use PostgreSQL instead of the embedded SQLite database.")
    var database: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func logger(label: String = "helpdesk") throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("Unknown log level \"\(logLevel)\".")
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    /// Opens the help desk, runs `body`, and closes it again, also when `body` fails.
    func withHelpDesk<R>(_ body: (HelpDesk) async throws -> R) async throws -> R {
        let desk = try await open(logger: try logger())
        do {
            let result = try await body(desk)
            await desk.close()
            return result
        } catch {
            await desk.close()
            throw error
        }
    }

    func open(logger: Logger) async throws -> HelpDesk {
        let location: Storage
        if let database {
            location = Storage(argument: database)
        } else {
            do {
                try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            } catch {
                throw ValidationError("Cannot create the data directory \(dataDir): \(error.localizedDescription)")
            }
            location = .sqlite(path: (dataDir as NSString).appendingPathComponent("helpdesk.sqlite"))
        }
        return try await HelpDesk.open(location, logger: logger)
    }
}

/// Logs go to standard error, so that a command's standard output holds only its result.
enum CommandLogging {
    static let bootstrap: Void = {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
    }()
}
