import HelpDeskMail
import NIOCore
import NIOEmbedded

/// Feeds an SMTP client's byte stream to `SMTPLineDecoder` in chunks, as TCP may deliver it, and
/// checks that the session gets the lines of `ExpectedLines`: chunking must never change what is
/// read, and nothing after a STARTTLS line may be split before the session has decided on it.
///
/// A six-byte header comes first: the line limit (1 + byte, so the too-long path is reached),
/// whether TLS is offered and what the session makes of a `STARTTLS` line, then the sizes of the
/// chunks, taken in turn.
struct LineDecoderCase {
    /// What the session does when the decoder stops at a `STARTTLS` line.
    private enum Session {
        /// TLS is not offered: the decoder never stops.
        case withoutTLS
        /// The line was message text: the decoder is told to go on.
        case readsOn
        /// The line was the command: a fresh decoder takes over, as the server does under TLS,
        /// and the plain text still held by the stopped one must be thrown away.
        case startsTLS
    }

    private static let headerLength = 6

    private let maxLength: Int
    private let session: Session
    private let chunkSizes: [Int]
    private let stream: ArraySlice<UInt8>

    init(_ input: ArraySlice<UInt8>) {
        let header = Array(input.prefix(Self.headerLength)) + Array(repeating: 0, count: max(0, Self.headerLength - input.count))
        maxLength = Int(header[0]) + 1
        session = [Session.withoutTLS, .readsOn, .startsTLS][Int(header[1]) % 3]
        chunkSizes = header[2...].map { Int($0) + 1 }
        stream = input.dropFirst(Self.headerLength)
    }

    func run() {
        let channel = EmbeddedChannel()
        let gate = session == .withoutTLS ? nil : STARTTLSGate()
        var decoder = ByteToMessageHandler(SMTPLineDecoder(maxLength: maxLength, gate: gate))
        try! channel.pipeline.syncOperations.addHandler(decoder)
        var received: [DecodedLine] = []
        // Where the stream went on under "TLS", and how many lines had come before.
        var tls: (offset: Int, lines: Int)?
        var offset = stream.startIndex
        var chunk = 0

        func read() {
            while let line = try! channel.readInbound(as: SMTPLine.self) {
                received.append(DecodedLine(line))
                guard let gate, tls == nil, case .line(let buffer) = line,
                      STARTTLSGate.isStartTLS(buffer.readableBytesView) else { continue }
                if let next = try! channel.readInbound(as: SMTPLine.self) {
                    preconditionFailure("The decoder split \(DecodedLine(next)) after STARTTLS before the session decided")
                }
                switch session {
                case .withoutTLS:
                    preconditionFailure("A gate without TLS")
                case .readsOn:
                    gate.resume()
                    // As the server does: an empty read makes the stopped decoder split what it holds.
                    try! channel.writeInbound(channel.allocator.buffer(capacity: 0))
                case .startsTLS:
                    gate.close()
                    let fresh = ByteToMessageHandler(SMTPLineDecoder(maxLength: maxLength))
                    try! channel.pipeline.syncOperations.addHandler(fresh, position: .after(decoder))
                    channel.pipeline.syncOperations.removeHandler(decoder, promise: nil)
                    channel.embeddedEventLoop.run()
                    decoder = fresh
                    tls = (offset, received.count)
                }
            }
        }

        while offset < stream.endIndex {
            let end = min(offset + chunkSizes[chunk % chunkSizes.count], stream.endIndex)
            try! channel.writeInbound(channel.allocator.buffer(bytes: stream[offset..<end]))
            offset = end
            chunk += 1
            read()
        }
        channel.pipeline.fireChannelInactive()
        read()
        _ = try? channel.finish()

        var expected = ExpectedLines.split(stream, maxLength: maxLength)
        if let tls {
            expected = Array(expected.prefix(tls.lines))
                + ExpectedLines.split(stream[tls.offset...], maxLength: maxLength)
        }
        guard received == expected else {
            preconditionFailure("The decoder gave \(received) where the whole stream holds \(expected)")
        }
    }
}
