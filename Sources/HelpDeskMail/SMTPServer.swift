import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The help desk's inbound mail listener. It accepts mail for the addresses `acceptsRecipient`
/// knows, refuses the rest at RCPT, and hands each message to `deliver`; the sending server gets
/// its 250 only once `deliver` has stored the message, so a crash never loses accepted mail.
public final class SMTPServer: Service, Sendable {
    /// Limits and names of the listener.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The name the server gives in its greeting.
        public var hostname: String
        public var maxMessageSize: Int
        public var maxRecipients: Int
        /// RFC 5321 allows 512 bytes for a command; extensions make some longer.
        public var maxCommandLength: Int
        /// RFC 5321 allows 1,000 bytes for a line of text; real mailers exceed it, so more is taken.
        public var maxLineLength: Int
        public var maxErrors: Int
        public var idleTimeout: TimeAmount
        /// The certificate and key STARTTLS offers; without them there is no STARTTLS.
        public var tls: NIOSSLContext?

        public init(host: String = "0.0.0.0", port: Int = 2525, hostname: String = "localhost",
                    maxMessageSize: Int = 25 * 1024 * 1024, maxRecipients: Int = 100, maxCommandLength: Int = 2_048,
                    maxLineLength: Int = 65_536, maxErrors: Int = 20, idleTimeout: TimeAmount = .minutes(5),
                    tls: NIOSSLContext? = nil) {
            self.host = host
            self.port = port
            self.hostname = hostname
            self.maxMessageSize = maxMessageSize
            self.maxRecipients = maxRecipients
            self.maxCommandLength = maxCommandLength
            self.maxLineLength = maxLineLength
            self.maxErrors = maxErrors
            self.idleTimeout = idleTimeout
            self.tls = tls
        }

        /// A TLS context from PEM files, for STARTTLS.
        public static func tlsContext(certificateChain: String, privateKey: String) throws -> NIOSSLContext {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificateChain).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKey, format: .pem)))
            tls.minimumTLSVersion = .tlsv12
            return try NIOSSLContext(configuration: tls)
        }
    }

    let configuration: Configuration
    let logger: Logger
    let acceptsRecipient: @Sendable (String) async throws -> Bool
    let deliver: @Sendable (SMTPEnvelope, [UInt8]) async throws -> Void
    private let boundPort = NIOLockedValueBox<Int?>(nil)

    public init(configuration: Configuration, logger: Logger,
                acceptsRecipient: @escaping @Sendable (String) async throws -> Bool,
                deliver: @escaping @Sendable (SMTPEnvelope, [UInt8]) async throws -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.acceptsRecipient = acceptsRecipient
        self.deliver = deliver
    }

    /// The port the listener is bound to once running (useful with port 0).
    public var port: Int? { boundPort.withLockedValue { $0 } }

    public func run() async throws {
        let configuration = self.configuration
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let gate = configuration.tls == nil ? nil : STARTTLSGate()
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: configuration.idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(IdleClose())
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(SMTPLineDecoder(maxLength: configuration.maxDecodedLine, gate: gate)))
                    return (try NIOAsyncChannel<SMTPLine, ByteBuffer>(wrappingChannelSynchronously: channel), gate)
                }
            }
        let port = server.channel.localAddress?.port
        boundPort.withLockedValue { $0 = port }
        logger.info("SMTP server accepting mail on \(configuration.host):\(port ?? configuration.port)")
        try await withGracefulShutdownHandler {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await (connection, gate) in connections {
                        group.addTask { await self.serve(connection, gate: gate) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<SMTPLine, ByteBuffer>, gate: STARTTLSGate?) async {
        var session = SMTPSession(configuration: configuration, remoteAddress: connection.channel.remoteAddress?.ipAddress,
                                  gate: gate, acceptsRecipient: acceptsRecipient, deliver: deliver)
        do {
            try await connection.executeThenClose { lines, replies in
                try await replies.write(ByteBuffer(string: session.greeting + "\r\n"))
                for try await line in lines {
                    let (reply, close) = await session.handle(line)
                    if let reply {
                        try await replies.write(ByteBuffer(string: reply + "\r\n"))
                    }
                    if close { return }
                    if session.resumesDecoder {
                        // An empty read makes the stopped decoder split what it holds; the lines
                        // reach the session at the end of the read.
                        let pipeline = connection.channel.pipeline
                        connection.channel.eventLoop.execute {
                            pipeline.fireChannelRead(NIOAny(ByteBuffer()))
                            pipeline.fireChannelReadComplete()
                        }
                    }
                    if session.startsTLS, let tls = configuration.tls {
                        try await Self.startTLS(on: connection.channel, context: tls, maxLine: configuration.maxDecodedLine)
                        session.startedTLS()
                    }
                }
            }
        } catch {
            logger.debug("SMTP connection ended: \(error)")
        }
    }

    /// Puts TLS under the line decoder in one event loop turn: a fresh decoder takes over from the
    /// one that stopped at STARTTLS (whose unread plain text is thrown away as it goes), and the
    /// 220 answer leaves in plain text beneath the TLS handler, so the client's handshake can only
    /// reach TLS.
    static func startTLS(on channel: any Channel, context tls: NIOSSLContext, maxLine: Int) async throws {
        try await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let stopped = try pipeline.handler(type: ByteToMessageHandler<SMTPLineDecoder>.self)
            try pipeline.addHandler(ByteToMessageHandler(SMTPLineDecoder(maxLength: maxLine)), position: .after(stopped))
            let handler = NIOSSLServerHandler(context: tls)
            try pipeline.addHandler(handler, position: .first)
            try pipeline.context(handler: handler).writeAndFlush(
                NIOAny(ByteBuffer(string: "220 2.0.0 Ready to start TLS\r\n")), promise: nil)
            channel.pipeline.removeHandler(stopped, promise: nil)
        }.get()
    }
}

extension SMTPServer.Configuration {
    var maxDecodedLine: Int { max(maxLineLength, maxCommandLength) }
}

/// Says goodbye to a client that stayed silent too long, as RFC 5321 asks, and hangs up.
private final class IdleClose: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IdleStateHandler.IdleStateEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        context.writeAndFlush(NIOAny(ByteBuffer(string: "421 4.4.2 Idle too long; closing the connection\r\n")), promise: nil)
        context.close(promise: nil)
    }
}
