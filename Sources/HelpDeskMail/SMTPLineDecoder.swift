import NIOCore

/// One line of an SMTP conversation, without its line end; or a line longer than the limit,
/// whose bytes were dropped.
package enum SMTPLine: Sendable {
    case line(ByteBuffer)
    case tooLong
}

/// Splits the byte stream into lines at LF (a CR before it is dropped too, as senders differ).
/// A line longer than `maxLength` is reported once and skipped up to its end, so one hostile line
/// cannot make the server hold unbounded memory.
package struct SMTPLineDecoder: ByteToMessageDecoder {
    package typealias InboundOut = SMTPLine

    let maxLength: Int
    let gate: STARTTLSGate?
    private var skipping = false
    /// Stopped at a STARTTLS line, at this count of the gate's resumptions: what follows waits for
    /// the session to decide.
    private var haltedAt: Int?

    package init(maxLength: Int, gate: STARTTLSGate? = nil) {
        self.maxLength = maxLength
        self.gate = gate
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let haltedAt {
            guard let gate, gate.resumptions != haltedAt else { return .needMoreData }
            self.haltedAt = nil
        }
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLength {
                if !skipping {
                    context.fireChannelRead(wrapInboundOut(.tooLong))
                    skipping = true
                }
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        if skipping {
            skipping = false
            buffer.moveReaderIndex(forwardBy: length + 1)
            return .continue
        }
        guard length <= maxLength else {
            buffer.moveReaderIndex(forwardBy: length + 1)
            context.fireChannelRead(wrapInboundOut(.tooLong))
            return .continue
        }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
        }
        if let gate, gate.offered, STARTTLSGate.isStartTLS(line.readableBytesView) {
            haltedAt = gate.resumptions
        }
        context.fireChannelRead(wrapInboundOut(.line(line)))
        return haltedAt == nil ? .continue : .needMoreData
    }

    package mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        if haltedAt != nil {
            // Sent in plain text after STARTTLS, against RFC 3207: never read.
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
