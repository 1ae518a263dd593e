import ArgumentParser
import Foundation
import HelpDeskMail
import HelpDeskServer
import Hummingbird

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the help desk server.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Address to listen on for HTTP.")
    var host: String = "0.0.0.0"

    @Option(help: "Port for the web workspace and the API.")
    var httpPort: Int = 8080

    @Option(help: "Port for incoming mail (SMTP) to the connected team addresses.")
    var smtpPort: Int = 2525

    @Option(help: "The name the mail listener gives in its greeting (default: this machine's name).")
    var smtpHostname: String?

    @Option(help: "The largest incoming message taken, in MiB.")
    var maxMessageSize: Int = 25

    func run() async throws {
        CommandLogging.bootstrap
        let logger = try storage.logger()
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be between 0 and 65535.") }
        guard (0...65535).contains(smtpPort) else { throw ValidationError("--smtp-port must be between 0 and 65535.") }
        guard (1...1024).contains(maxMessageSize) else { throw ValidationError("--max-message-size must be between 1 and 1024 MiB.") }
        let desk = try await storage.open(logger: logger)
        let mail = desk.inboundMail
        let smtp = SMTPServer(
            configuration: .init(host: host, port: smtpPort, hostname: smtpHostname ?? ProcessInfo.processInfo.hostName,
                                 maxMessageSize: maxMessageSize * 1024 * 1024),
            logger: logger,
            acceptsRecipient: { await mail.accepts(recipient: $0) },
            deliver: { envelope, raw in _ = try await mail.receive(envelope, raw: raw) })
        let app = HTTPServer.application(desk: desk, host: host, port: httpPort, services: [smtp], logger: logger)
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
