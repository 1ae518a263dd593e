import ArgumentParser
import Foundation
import HelpDeskMail
import NIOSSL
import HelpDeskServer
import HelpDeskEngine
import Hummingbird
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the help desk server.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Address to listen on for HTTP.")
    var host: String = "0.0.0.0"

    @Option(help: "Port for the web workspace and the API.")
    var httpPort: Int = 8080

    @Option(help: "The address people open the workspace at, for the links the help desk prints and sends (default: http://localhost:HTTP-PORT).")
    var publicURL: String?

    @Option(help: ArgumentHelp("The address of a reverse proxy in front of the server, whose X-Forwarded-For names the client (for the per-address pauses and limits); repeat for several.", valueName: "address"))
    var trustedProxy: [String] = []

    @Option(help: "Port for incoming mail (SMTP) to the connected team addresses.")
    var smtpPort: Int = 2525

    @Option(help: "The name the mail listener gives in its greeting (default: this machine's name).")
    var smtpHostname: String?

    @Option(help: "The largest incoming message taken, in MiB.")
    var maxMessageSize: Int = 25

    @Option(help: "A PEM certificate chain for STARTTLS on the mail listener (with --smtp-tls-key).")
    var smtpTlsCertificate: String?

    @Option(help: "The PEM private key of --smtp-tls-certificate.")
    var smtpTlsKey: String?

    @Option(help: "The mail server outgoing mail goes through, host:port. Without it, mail waits in the outbox.")
    var smtpRelay: String?

    @Option(help: "Encryption to the relay: starttls (required), opportunistic (when offered), none.")
    var smtpRelaySecurity: String = "opportunistic"

    @Option(help: "User name for the relay's AUTH; the password is read from HELPDESK_SMTP_RELAY_PASSWORD.")
    var smtpRelayUser: String?

    @Flag(help: "Accept a relay certificate the system does not trust (a self-signed test relay).")
    var smtpRelayInsecure = false

    func run() async throws {
        CommandLogging.bootstrap
        let logger = try storage.logger()
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be between 0 and 65535.") }
        guard (0...65535).contains(smtpPort) else { throw ValidationError("--smtp-port must be between 0 and 65535.") }
        guard (1...1024).contains(maxMessageSize) else { throw ValidationError("--max-message-size must be between 1 and 1024 MiB.") }
        var relay: SMTPRelay?
        if let smtpRelay {
            guard var parsed = SMTPRelay(address: smtpRelay) else {
                throw ValidationError("--smtp-relay must be host:port, e.g. mail.example.com:587.")
            }
            guard let security = SMTPRelay.Security(rawValue: smtpRelaySecurity) else {
                throw ValidationError("--smtp-relay-security must be starttls, opportunistic or none.")
            }
            parsed.security = security
            parsed.verifyCertificate = !smtpRelayInsecure
            parsed.username = smtpRelayUser
            parsed.password = ProcessInfo.processInfo.environment["HELPDESK_SMTP_RELAY_PASSWORD"]
            parsed.heloName = smtpHostname ?? ProcessInfo.processInfo.hostName
            relay = parsed
        }
        var tls: NIOSSLContext?
        switch (smtpTlsCertificate, smtpTlsKey) {
        case (let certificate?, let key?):
            do {
                tls = try SMTPServer.Configuration.tlsContext(certificateChain: certificate, privateKey: key)
            } catch {
                throw ValidationError("The STARTTLS certificate or key cannot be read: \(error)")
            }
        case (nil, nil):
            break
        default:
            throw ValidationError("Give both --smtp-tls-certificate and --smtp-tls-key, or neither.")
        }
        ServerMetrics.bootstrap()
        let desk = try await storage.open(logger: logger)
        let base = Self.trimmed(publicURL ?? "http://localhost:\(httpPort)")
        if let token = try await desk.accounts.setupLink() {
            logger.notice("Nobody can sign in yet. Create the first admin account at \(base)/setup/\(token) (the link works once, for 24 hours).")
        }
        let mail = desk.inboundMail
        let smtp = SMTPServer(
            configuration: .init(host: host, port: smtpPort, hostname: smtpHostname ?? ProcessInfo.processInfo.hostName,
                                 maxMessageSize: maxMessageSize * 1024 * 1024, tls: tls),
            logger: logger,
            acceptsRecipient: { try await mail.accepts(recipient: $0) },
            deliver: { envelope, raw in _ = try await mail.receive(envelope, raw: raw) })
        let jobs = JobRunner(desk: desk, relay: relay)
        if relay == nil {
            logger.notice("No --smtp-relay: outgoing mail waits in the outbox until one is configured.")
        }
        let app = HTTPServer.application(desk: desk, host: host, port: httpPort, publicURL: base,
                                         clients: ClientAddress(trustedProxies: trustedProxy),
                                         services: [smtp, TrashPurge(desk: desk), RoutingBacklog(desk: desk), NotificationDelivery(desk: desk, links: base),
                                                    Automation(desk: desk), jobs], logger: logger)
        do {
            try await app.runService()
        } catch {
            await desk.close()
            throw error
        }
        await desk.close()
    }

    /// An address without the slashes at its end, for links made by appending a path.
    static func trimmed(_ address: String) -> String {
        var address = Substring(address)
        while address.hasSuffix("/") { address = address.dropLast() }
        return String(address)
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
