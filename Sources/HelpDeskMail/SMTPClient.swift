import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where outgoing mail goes: the organisation's mail server or a sending service.
public struct SMTPRelay: Sendable {
    /// Whether to encrypt the connection with STARTTLS.
    public enum Security: String, Sendable, CaseIterable {
        /// Always: a relay that does not offer STARTTLS is an error.
        case startTLS = "starttls"
        /// When the relay offers it (the default: encrypted where possible, working everywhere).
        case startTLSIfOffered = "opportunistic"
        /// Never, for a relay on the same machine or network.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// Whether the relay's certificate must be trusted by the system (off for self-signed test relays).
    public var verifyCertificate: Bool
    public var username: String?
    public var password: String?
    /// The name given in EHLO.
    public var heloName: String
    public var timeout: TimeAmount

    public init(host: String, port: Int = 25, security: Security = .startTLSIfOffered, verifyCertificate: Bool = true,
                username: String? = nil, password: String? = nil, heloName: String = "localhost",
                timeout: TimeAmount = .seconds(60)) {
        self.host = host
        self.port = port
        self.security = security
        self.verifyCertificate = verifyCertificate
        self.username = username
        self.password = password
        self.heloName = heloName
        self.timeout = timeout
    }

    /// Reads `host:port` as given on the command line.
    public init?(address: String) {
        let parts = address.split(separator: ":")
        guard (1...2).contains(parts.count), !parts[0].isEmpty else { return nil }
        let port = parts.count == 2 ? Int(parts[1]) : 25
        guard let port, (1...65535).contains(port) else { return nil }
        self.init(host: String(parts[0]), port: port)
    }
}

/// Why a relay did not take a message. A permanent failure (a 5xx reply) will not get better by
/// trying again; anything else (4xx, a lost connection, a timeout) may.
public struct SMTPSendError: Error, Sendable, CustomStringConvertible {
    public var permanent: Bool
    public var message: String

    public var description: String { message }
}

/// Hands messages to a relay over SMTP, with STARTTLS and AUTH PLAIN when configured.
public enum SMTPClient {
    public static func send(_ message: [UInt8], from sender: String, to recipients: [String],
                            via relay: SMTPRelay) async throws(SMTPSendError) {
        do {
            try await deliver(message, from: sender, to: recipients, via: relay)
        } catch let error as SMTPSendError {
            throw error
        } catch {
            throw SMTPSendError(permanent: false, message: "Could not talk to the relay \(relay.host):\(relay.port): \(error)")
        }
    }

    private static func deliver(_ message: [UInt8], from sender: String, to recipients: [String], via relay: SMTPRelay) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(relay.timeout)
            .connect(host: relay.host, port: relay.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: relay.timeout))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder(maxLength: 65_536)))
                    return try NIOAsyncChannel<SMTPLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            var conversation = Conversation(relay: relay)
            func reply() async throws -> (code: Int, lines: [String]) {
                var texts: [String] = []
                while let line = try await lines.next() {
                    guard case .line(let buffer) = line else { continue }
                    let text = String(buffer: buffer)
                    texts.append(text)
                    if text.count < 4 || text[text.index(text.startIndex, offsetBy: 3)] != "-" {
                        return (Int(text.prefix(3)) ?? 0, texts)
                    }
                }
                throw SMTPSendError(permanent: false, message: "The relay closed the connection \(conversation.step).")
            }
            func command(_ text: String, expect: Int, step: String) async throws -> [String] {
                conversation.step = step
                try await outbound.write(ByteBuffer(string: text + "\r\n"))
                let (code, answer) = try await reply()
                guard code / 100 == expect / 100 else { throw conversation.failure(code: code, lines: answer) }
                return answer
            }
            let (greeting, greetingLines) = try await reply()
            guard greeting == 220 else { throw conversation.failure(code: greeting, lines: greetingLines) }
            var extensions = try await command("EHLO \(relay.heloName)", expect: 250, step: "after EHLO")
            let offersTLS = extensions.contains { $0.dropFirst(4).uppercased().hasPrefix("STARTTLS") }
            if relay.security == .startTLS && !offersTLS {
                throw SMTPSendError(permanent: false, message: "The relay \(relay.host) does not offer STARTTLS, which is required.")
            }
            if relay.security != .none && offersTLS {
                _ = try await command("STARTTLS", expect: 220, step: "after STARTTLS")
                var configuration = TLSConfiguration.makeClientConfiguration()
                if !relay.verifyCertificate { configuration.certificateVerification = .none }
                let context = try NIOSSLContext(configuration: configuration)
                let handler = try NIOSSLClientHandler(context: context, serverHostname: relay.verifyCertificate ? relay.host : nil)
                try await channel.channel.pipeline.addHandler(handler, position: .first).get()
                extensions = try await command("EHLO \(relay.heloName)", expect: 250, step: "after EHLO over TLS")
            }
            if let username = relay.username {
                let token = Data(([0] + Array(username.utf8) + [0] + Array((relay.password ?? "").utf8))).base64EncodedString()
                _ = try await command("AUTH PLAIN \(token)", expect: 235, step: "signing in as \(username)")
            }
            _ = try await command("MAIL FROM:<\(sender)>", expect: 250, step: "at MAIL FROM")
            for recipient in recipients {
                _ = try await command("RCPT TO:<\(recipient)>", expect: 250, step: "at RCPT TO <\(recipient)>")
            }
            _ = try await command("DATA", expect: 354, step: "at DATA")
            conversation.step = "after the message"
            try await outbound.write(ByteBuffer(bytes: dotStuffed(message)))
            let (code, final) = try await reply()
            guard code == 250 else { throw conversation.failure(code: code, lines: final) }
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }

    private struct Conversation {
        let relay: SMTPRelay
        var step = "at the greeting"

        func failure(code: Int, lines: [String]) -> SMTPSendError {
            SMTPSendError(permanent: code >= 500 && code < 600,
                          message: "The relay \(relay.host) answered \(step): " + lines.joined(separator: " "))
        }
    }

    /// The message with CRLF line ends, each line starting with a dot doubled, and the final dot.
    static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + 64)
        var lineStart = true
        var previous: UInt8 = 0
        for byte in message {
            if byte == 10 && previous != 13 { output.append(13) }
            if lineStart && byte == 46 { output.append(46) }
            output.append(byte)
            lineStart = byte == 10
            previous = byte
        }
        if !lineStart { output += [13, 10] }
        output += [46, 13, 10]
        return output
    }
}
