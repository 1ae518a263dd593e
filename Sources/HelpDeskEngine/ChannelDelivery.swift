import AsyncHTTPClient
import HelpDeskCore
import HelpDeskStore
import NIOCore
import NIOHTTP1

/// Posts what waits in the outbox for custom channels and WhatsApp to the services behind them, as
/// `post.deliver` jobs. A refusal (4xx but 408 and 429) fails the message at once; anything else
/// is tried again after the same growing pauses as mail. Each post carries an `Idempotency-Key`
/// (the outbox entry), the same on every try.
struct ChannelDelivery: Sendable {
    let desk: HelpDesk
    let client: HTTPClient
    static let timeout: TimeAmount = .seconds(15)

    init(desk: HelpDesk, client: HTTPClient = .shared) {
        self.desk = desk
        self.client = client
    }

    var jobs: JobKind {
        JobKind(name: OutboxEntry.Transport.http.jobKind, work: .outside(perform: { job in
            if let failure = await post(try await OutboxDelivery.entry(of: job, desk: desk)) { throw failure }
        }, record: OutboxDelivery.record))
    }

    typealias Failure = JobFailure

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
        request.headers.add(name: "Idempotency-Key", value: "helpdesk-outbox-\(entry.id)")
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
