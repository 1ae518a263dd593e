import ArgumentParser
import HelpDeskServer
import Hummingbird

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the help desk server.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Address to listen on for HTTP.")
    var host: String = "0.0.0.0"

    @Option(help: "Port for the web workspace and the API.")
    var httpPort: Int = 8080

    func run() async throws {
        CommandLogging.bootstrap
        let logger = try storage.logger()
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be between 0 and 65535.") }
        let desk = try await storage.open(logger: logger)
        let app = HTTPServer.application(desk: desk, host: host, port: httpPort, logger: logger)
        do {
            try await app.runService()
        } catch {
            await desk.close()
            throw error
        }
        await desk.close()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        CommandLogging.bootstrap
        try await storage.withHelpDesk { _ in }
        print("Database is up to date.")
    }
}
