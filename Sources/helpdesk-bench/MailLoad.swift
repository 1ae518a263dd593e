import Foundation
import NIOCore
import NIOPosix

/// What one inbound mail run measured.
struct MailLoad {
    var messages: Int
    var seconds: Double
    /// From the end of DATA to the server's 250, in milliseconds, sorted.
    var latencies: [Double]
    var refused: Int

    func percentile(_ p: Double) -> Double {
        latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
    }

    var line: String {
        String(format: "%10.0f msg/s   p50 %7.2fms   p99 %7.2fms", Double(messages) / seconds, percentile(0.5), percentile(0.99))
            + (refused > 0 ? "   (\(refused) refused)" : "")
    }
}

/// Splits replies into lines.
struct ReplyLines: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: newline - buffer.readerIndex + 1)!))
        return .continue
    }
}

/// Sends mail to `recipient` over `connections` SMTP connections for `seconds`, as a busy mail
/// relay would: MAIL, RCPT and DATA pipelined, then the message. Every second message of a
/// connection answers the one before it, so that threading is part of the work.
func mailLoad(port: Int, recipient: String, connections: Int, seconds: Double) async throws -> MailLoad {
    let deadline = Date().addingTimeInterval(seconds)
    let started = Date()
    let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
        for connection in 0..<connections {
            group.addTask {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connect(host: "127.0.0.1", port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ReplyLines()))
                            return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
                return try await channel.executeThenClose { inbound, outbound in
                    var lines = inbound.makeAsyncIterator()
                    func reply() async throws -> String {
                        while let line = try await lines.next() {
                            let text = String(buffer: line)
                            if text.count < 4 || text[text.index(text.startIndex, offsetBy: 3)] != "-" { return text }
                        }
                        throw BenchError("the server closed the connection")
                    }
                    _ = try await reply()
                    try await outbound.write(ByteBuffer(string: "EHLO bench.example\r\n"))
                    _ = try await reply()
                    var latencies: [Double] = []
                    var refused = 0
                    var previous: String?
                    var sequence = 0
                    while Date() < deadline {
                        sequence += 1
                        let id = "bench-\(connection)-\(sequence)@bench.example"
                        try await outbound.write(ByteBuffer(string: "MAIL FROM:<customer\(connection)@bench.example>\r\nRCPT TO:<\(recipient)>\r\nDATA\r\n"))
                        let replies = [try await reply(), try await reply(), try await reply()]
                        guard replies[2].hasPrefix("354") else {
                            refused += 1
                            try await outbound.write(ByteBuffer(string: "RSET\r\n"))
                            _ = try await reply()
                            continue
                        }
                        var headers = "From: Customer \(connection) <customer\(connection)@bench.example>\r\nTo: \(recipient)\r\n"
                            + "Message-ID: <\(id)>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                            + "Content-Type: text/plain; charset=utf-8\r\n"
                        if let previous, sequence % 2 == 0 {
                            headers += "Subject: Re: Printer \(connection)\r\nIn-Reply-To: <\(previous)>\r\nReferences: <\(previous)>\r\n"
                        } else {
                            headers += "Subject: Printer \(connection)\r\n"
                        }
                        let body = String(repeating: "The printer on floor \(sequence % 7) is jammed again and the toner is low.\r\n", count: 12)
                        try await outbound.write(ByteBuffer(string: headers + "\r\n" + body + ".\r\n"))
                        let sent = ContinuousClock.now
                        let answer = try await reply()
                        let elapsed = sent.duration(to: .now)
                        if answer.hasPrefix("250") {
                            latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                        } else {
                            refused += 1
                        }
                        previous = sequence % 2 == 1 ? id : nil
                    }
                    try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
                    return (latencies, refused)
                }
            }
        }
        var all: ([Double], Int) = ([], 0)
        for try await (latencies, refused) in group {
            all.0 += latencies
            all.1 += refused
        }
        return all
    }
    let elapsed = Date().timeIntervalSince(started)
    return MailLoad(messages: results.0.count, seconds: elapsed, latencies: results.0.sorted(), refused: results.1)
}
