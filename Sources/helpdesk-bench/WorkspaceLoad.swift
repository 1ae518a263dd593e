import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HelpDeskCore
import HelpDeskEngine
import Logging
import NIOCore
import NIOPosix

/// The workspace with a large help desk behind it: a million tickets (most of them closed, as in
/// a desk that has run for years), then a real server process over them, signed in as an agent's
/// browser is. Prints the server time of the pages agents open all day (a view, a ticket, a
/// search), and the time from an email's 250 to its row in an open Unassigned view: the live
/// event, then the page the browser fetches on it. The data can be kept (`--workspace-data`) so
/// that a second run measures without seeding again.
enum WorkspaceLoad {
    static let password = "bench-password-1"
    static let admin = "workspace-bench@example.com"
    static let address = "support@workspace-bench.example"

    static func measure(binary: String, location: Storage, storage: [String], tickets: Int, seconds: Int) async throws {
        var logger = Logger(label: "helpdesk-bench")
        logger.logLevel = .error
        let desk = try await HelpDesk.open(location, logger: logger)
        let token: String
        do {
            var user = try await desk.people.users().first { $0.email == admin }
            if user == nil {
                user = try await desk.people.createUser(UserDraft(email: admin, roles: [.superAdmin, .helpDeskAccess], serviceSeat: true,
                                                                  password: password))
            }
            guard let user else { throw BenchError("no admin") }
            let caller = Caller(user: user, source: "BENCH")
            let stored = try await desk.records.search(type: "tickets", SearchRequest(limit: 0), by: caller).total
            if stored < tickets {
                try await seed(desk, from: stored, to: tickets, caller: caller)
            }
            if try await !desk.channels.emailAddresses().contains(where: { $0.address == address }) {
                _ = try await desk.channels.create(ChannelDraft(kind: .email, address: address),
                                                   by: caller)
            }
            token = try await desk.accounts.signIn(email: admin, password: password,
                                                   from: .init(address: "127.0.0.1", agent: "helpdesk-bench")).token
        } catch {
            await desk.close()
            throw error
        }
        await desk.close()

        let server = try Server(binary: binary, storage: storage)
        defer { server.stop() }
        let cookie = "Cookie: helpdesk_session=\(token)"

        let live = try await liveLatency(server, cookie: cookie, mails: 200)
        print(String(format: "email 250 to its row in the open Unassigned view: p50 %.1f ms, p99 %.1f ms (%d mails, 150 ms apart;"
                     + " the page's script waits 150 ms more to merge a burst)", live.percentile(0.5), live.percentile(0.99), live.latencies.count))
        let mailed = try await mailedTickets(server, cookie: cookie)
        let pages: [(String, String)] = [
            ("Unassigned view (GET /)", "/"),
            ("All open view", "/views/open"),
            ("All open view by priority", "/views/open?sort=priority"),
            ("Closed view", "/views/closed"),
            ("a ticket page", "/tickets/\(mailed.first ?? "1")"),
            ("search \"printer\"", "/search?q=printer"),
            ("search \"invoice 4711\"", "/search?q=invoice+4711"),
        ]
        for (name, path) in pages {
            for clients in [1, 8] {
                let load = try wrk(server.base + path, clients: clients, seconds: seconds, headers: [cookie])
                print("\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(clients) client\(clients == 1 ? " " : "s"): \(load.line)")
            }
        }
        let weights = try await pageWeight(server, path: "/tickets/\(mailed.first ?? "1")", cookie: cookie)
        print("ticket page weight: \(weights)")
    }

    /// Tickets the way years of help desk leave them: one in twenty open, a quarter of those
    /// unassigned, the rest with one of fifty agents; subjects and descriptions of a few hundred
    /// words, so that searches match thousands.
    static func seed(_ desk: HelpDesk, from start: Int, to total: Int, caller: Caller) async throws {
        var agents: [String] = []
        for number in 0..<50 {
            let email = "agent\(number)@workspace-bench.example"
            if let user = try await desk.people.users().first(where: { $0.email == email }) {
                agents.append(user.id)
            } else {
                agents.append(try await desk.people.createUser(UserDraft(email: email, firstName: "Agent", lastName: "\(number)",
                                                                         serviceSeat: true)).id)
            }
        }
        let topics = ["Printer jammed", "Invoice missing", "Cannot log in", "Refund request", "Delivery late", "Password reset",
                      "Broken screen", "Wrong size", "Billing address", "Account locked", "Order cancelled", "Slow website"]
        let priorities = ["LOW", "MEDIUM", "HIGH", "URGENT"]
        let owners = agents
        try await TicketSeeding.store(desk, from: start, to: total, by: caller, reportEvery: 50_000) { n in
            var properties = [
                "subject": "\(topics[n % topics.count]) \(n)",
                "content": "Order \(n * 7919 % 100_000): the customer writes about invoice \(n % 9973) and item \(n % 613).",
                "hs_pipeline": "0",
                "hs_pipeline_stage": n % 20 == 0 ? String(n / 20 % 3 + 1) : "4",
                "hs_ticket_priority": priorities[n % 4],
            ]
            if n % 20 != 0 || n / 20 % 4 != 0 { properties["hubspot_owner_id"] = owners[n % owners.count] }
            return properties
        }
    }

    /// Sends mail one message at a time while a live stream is open, and times each from its 250
    /// to the moment the Unassigned view, fetched on the stream's event, shows its ticket.
    static func liveLatency(_ server: Server, cookie: String, mails: Int) async throws -> MailLoad {
        let port = Int(server.base.split(separator: ":").last!)!
        let stream = try await connect(port: port)
        let mail = try await connect(port: server.smtpPort)
        let latencies = try await stream.executeThenClose { events, request in
            try await request.write(ByteBuffer(
                string: "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\(cookie)\r\n\r\n"))
            var lines = events.makeAsyncIterator()
            return try await mail.executeThenClose { replies, commands in
                var smtp = SMTPSender(replies: replies.makeAsyncIterator(), commands: commands)
                try await smtp.greet()
                var latencies: [Double] = []
                let run = UUID().uuidString.prefix(8)
                for number in 0..<mails {
                    // A mail at a time, as they come to a help desk: the stream paces a burst at ten
                    // updates a second, which is not what this measures.
                    try await Task.sleep(for: .milliseconds(150))
                    let subject = "Live bench \(run) \(number)"
                    try await smtp.send(from: "customer\(number)@workspace-bench.example", to: address,
                                        subject: subject)
                    let accepted = ContinuousClock.now
                    // An event that came for an earlier mail only costs a fetch that does not show this one yet.
                    repeat {
                        var changed = false
                        while !changed, let line = try await lines.next() {
                            changed = String(buffer: line).hasPrefix("event: change")
                        }
                        guard changed else { throw BenchError("the live stream ended") }
                    } while try await !fetch(server.base + "/", cookie: cookie).contains(subject)
                    latencies.append(milliseconds(accepted.duration(to: .now)))
                }
                try await commands.write(ByteBuffer(string: "QUIT\r\n"))
                return latencies
            }
        }
        return MailLoad(messages: latencies.count, seconds: 0, latencies: latencies.sorted(), refused: 0)
    }

    /// The ids of tickets that came by mail (they have a thread to show).
    static func mailedTickets(_ server: Server, cookie: String) async throws -> [String] {
        let html = try await fetch(server.base + "/", cookie: cookie)
        var ids: [String] = []
        var rest = html[...]
        while let range = rest.range(of: "href=\"/tickets/") {
            let tail = rest[range.upperBound...]
            let id = tail.prefix { $0.isNumber }
            if !id.isEmpty, !ids.contains(String(id)) { ids.append(String(id)) }
            rest = tail
        }
        return ids
    }

    static func pageWeight(_ server: Server, path: String, cookie: String) async throws -> String {
        let html = try await fetch(server.base + path, cookie: cookie)
        var parts = ["HTML \(html.utf8.count) bytes"]
        for asset in ["workspace.css", "workspace.js"] {
            parts.append("\(asset) \(try await fetch(server.base + "/assets/" + asset, cookie: cookie).utf8.count) bytes")
        }
        return parts.joined(separator: ", ") + " (before compression)"
    }

    static func fetch(_ url: String, cookie: String) async throws -> String {
        var request = URLRequest(url: URL(string: url)!)
        let parts = cookie.split(separator: ":", maxSplits: 1)
        request.setValue(parts[1].trimmingCharacters(in: .whitespaces), forHTTPHeaderField: String(parts[0]))
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw BenchError("GET \(url): \(response)") }
        return String(decoding: data, as: UTF8.self)
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func connect(port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ReplyLines()))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
}

/// One SMTP connection that sends messages one at a time and returns at each 250.
struct SMTPSender {
    var replies: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let commands: NIOAsyncChannelOutboundWriter<ByteBuffer>

    mutating func reply() async throws -> String {
        while let line = try await replies.next() {
            let text = String(buffer: line)
            if text.count < 4 || text[text.index(text.startIndex, offsetBy: 3)] != "-" { return text }
        }
        throw BenchError("the server closed the connection")
    }

    mutating func greet() async throws {
        _ = try await reply()
        try await commands.write(ByteBuffer(string: "EHLO bench.example\r\n"))
        _ = try await reply()
    }

    mutating func send(from: String, to: String, subject: String) async throws {
        try await commands.write(ByteBuffer(string: "MAIL FROM:<\(from)>\r\nRCPT TO:<\(to)>\r\nDATA\r\n"))
        for _ in 0..<3 { _ = try await reply() }
        let message = "From: <\(from)>\r\nTo: <\(to)>\r\nSubject: \(subject)\r\nMessage-ID: <\(UUID().uuidString)@bench.example>\r\n"
            + "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            + "The printer on the third floor is jammed again.\r\n.\r\n"
        try await commands.write(ByteBuffer(string: message))
        let answer = try await reply()
        guard answer.hasPrefix("250") else { throw BenchError("mail refused: \(answer)") }
    }
}
