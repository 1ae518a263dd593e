import AsyncHTTPClient
import HelpDeskCore
import HelpDeskStore
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Posts what waits in the outbox for custom channels and WhatsApp to the services behind them:
/// soon after a message is written, and on a short beat for posts other servers wrote or whose
/// retry came due. A refusal (4xx but 408 and 429) fails the message at once; anything else is
/// tried again after the same growing pauses as mail. Either way the failure shows on the message.
public struct ChannelDelivery: Service, Sendable {
    let desk: HelpDesk
    let client: HTTPClient
    static let batch = 16
    static let lease: Duration = .seconds(300)
    static let timeout: TimeAmount = .seconds(15)

    public init(desk: HelpDesk, client: HTTPClient = .shared) {
        self.desk = desk
        self.client = client
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        self.desk.postsChanged()
                    }
                }
                for await _ in desk.postSignals {
                    while !Task.isCancelled, await deliverDue() == Self.batch {}
                    if Task.isCancelled { break }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.desk.finishPostSignals()
        }
    }

    /// Sends one batch of due posts; returns how many it took.
    @discardableResult
    func deliverDue() async -> Int {
        let claimed: [OutboxEntry]
        do {
            let now = desk.clock()
            claimed = try await desk.database.write {
                try await $0.claimDueMail(transport: .http, now: now, lease: Self.lease, limit: Self.batch)
            }
        } catch {
            desk.logger.error("Could not read the outbox: \(error)")
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for entry in claimed {
                group.addTask { await self.deliver(entry) }
            }
        }
        return claimed.count
    }

    func deliver(_ entry: OutboxEntry) async {
        let failure = await post(entry)
        let now = desk.clock()
        do {
            try await desk.database.write { session in
                guard let failure else {
                    try await session.markMailSent(id: entry.id, now: now)
                    return
                }
                let pause = failure.permanent ? nil : MailDelivery.retryPauses.dropFirst(entry.attempts).first
                try await session.markMailFailed(id: entry.id, error: failure.message,
                                                 retryAt: pause.map { now.adding(milliseconds: $0.components.seconds * 1000) })
            }
            if let failure {
                desk.logger.warning("Post \(entry.id) on channel \(entry.sender) not delivered: \(failure.message)")
            }
        } catch {
            // The lease lapses and another try follows.
            desk.logger.error("Could not record the delivery of post \(entry.id): \(error)")
        }
    }

    struct Failure: Error {
        var permanent: Bool
        var message: String
    }

    func post(_ entry: OutboxEntry) async -> Failure? {
        let channel: HelpDeskCore.Channel?
        do {
            channel = try await desk.database.read { try await $0.channel(id: entry.sender) }
        } catch {
            return Failure(permanent: false, message: "The channel could not be read: \(error)")
        }
        guard let channel, !channel.archived else {
            return Failure(permanent: true, message: "Channel \(entry.sender) was disconnected.")
        }
        let body = Array(entry.data)
        guard let (url, headers) = ChannelPost.request(for: channel, body: body, at: desk.clock()) else {
            return Failure(permanent: false, message: channel.kind == .whatsapp
                ? "The WhatsApp channel has no access token; set accessToken and the message is sent."
                : "The channel has no outboundUrl to post to; set one and the message is sent.")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "helpdesk")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: Self.timeout)
            let answer = try await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return nil }
            let detail = String(buffer: answer).prefix(300)
            return Failure(permanent: (400..<500).contains(code) && code != 408 && code != 429,
                           message: "\(url) answered \(code)\(detail.isEmpty ? "" : ": \(detail)")")
        } catch {
            return Failure(permanent: false, message: "\(url) could not be reached: \(error)")
        }
    }
}
